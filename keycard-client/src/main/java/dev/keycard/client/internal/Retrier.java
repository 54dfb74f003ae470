package dev.keycard.client.internal;

import dev.keycard.client.TokenUnavailableException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Repeats an HTTP exchange after network errors, 5xx and 429, with exponential back-off and
 * jitter, honouring {@code Retry-After} (RFC 9110 §10.2.3). Everything else fails at once.
 *
 * <p>Waits are scheduled with {@link CompletableFuture#delayedExecutor}, so no thread of ours
 * sleeps and no thread pool is created. A {@code Retry-After} longer than {@code maxBackoff} ends
 * the attempts: waiting that long would hold callers past the limit they configured, and asking
 * sooner would ignore what the server said. The failure carries the delay instead.
 */
public final class Retrier {

    private static final System.Logger LOG = System.getLogger("dev.keycard.client");

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final RandomGenerator random;

    public Retrier(int maxAttempts, Duration initialBackoff, Duration maxBackoff, RandomGenerator random) {
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.random = random;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails for good, or the attempts run out.
     *
     * @param target what is called, for messages: {@code token endpoint https://… (client_id x)}
     */
    public <T> CompletableFuture<T> run(String target, Supplier<CompletableFuture<T>> attempt) {
        return run(target, attempt, 1);
    }

    private <T> CompletableFuture<T> run(String target, Supplier<CompletableFuture<T>> attempt, int n) {
        CompletableFuture<T> f;
        try {
            f = attempt.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.handle((v, e) -> e == null ? CompletableFuture.completedFuture(v) : next(target, attempt, n, unwrap(e)))
                .thenCompose(Function.identity());
    }

    private <T> CompletableFuture<T> next(String target, Supplier<CompletableFuture<T>> attempt, int n, Throwable failure) {
        RetryableFailure r = failure instanceof RetryableFailure rf ? rf
                : failure instanceof IOException io ? new RetryableFailure(describe(io), io, null) : null;
        if (r == null) {
            return CompletableFuture.failedFuture(failure);
        }
        Duration retryAfter = r.retryAfter();
        if (retryAfter != null && retryAfter.compareTo(maxBackoff) > 0) {
            return CompletableFuture.failedFuture(new TokenUnavailableException(target + " unavailable (" + r.getMessage()
                    + "), asks to retry after " + retryAfter.toSeconds() + " s", r.getCause(), retryAfter));
        }
        if (n >= maxAttempts) {
            return CompletableFuture.failedFuture(new TokenUnavailableException(target + " unavailable after " + n
                    + (n == 1 ? " attempt" : " attempts") + " (last: " + r.getMessage() + ")", r.getCause(), retryAfter));
        }
        Duration backoff = backoff(n);
        Duration delay = retryAfter != null && retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff;
        LOG.log(Level.DEBUG, "{0}: {1}; attempt {2} in {3} ms", target, r.getMessage(), n + 1, delay.toMillis());
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS))
                .thenCompose(x -> run(target, attempt, n + 1));
    }

    /** Exponential back-off with "equal jitter": half the step fixed, half random, so retries spread. */
    Duration backoff(int failedAttempts) {
        long step = initialBackoff.toNanos() << Math.min(failedAttempts - 1, 30);
        if (step <= 0 || step > maxBackoff.toNanos()) {
            step = maxBackoff.toNanos();
        }
        return Duration.ofNanos(step / 2 + (long) (random.nextDouble() * (step / 2)));
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** The failure inside the wrappers that futures add. */
    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    static @Nullable Duration retryAfterOf(Throwable t) {
        return t instanceof TokenUnavailableException u ? u.retryAfter().orElse(null) : null;
    }
}
