package dev.keycard.client.internal;

import dev.keycard.client.AccessToken;
import dev.keycard.client.KeycardClientException;
import dev.keycard.client.TokenUnavailableException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Tokens per {@link CacheKey}, in three states, after google-auth-library-java's
 * {@code OAuth2Credentials}:
 * <ul>
 * <li><b>fresh</b>: served from memory — one volatile read, one clock read, one comparison;
 * <li><b>stale</b>: less than max(60 s, 20 % of the lifetime) plus a random jitter of up to 10 %
 *     of the lifetime is left (at most half the lifetime): still served, while one refresh runs in
 *     the background. After a failed background refresh the next waits {@code pause} (or the
 *     server's longer {@code Retry-After}), so a down server is not called on every use;
 * <li><b>expired</b>: {@link #EXPIRY_MARGIN} before {@code exp} (at most a quarter of the
 *     lifetime) — callers block on the refresh.
 * </ul>
 * One refresh per key is in flight at a time; everyone who waits gets its token or its failure.
 */
public final class TokenCache {

    private static final System.Logger LOG = System.getLogger("dev.keycard.client");

    /** Expire this long before {@code exp}, so a token does not expire on its way to the API. */
    public static final Duration EXPIRY_MARGIN = Duration.ofSeconds(5);
    /** The stale window is at least this long, enough for a refresh with a few retries. */
    public static final Duration MIN_STALE_WINDOW = Duration.ofSeconds(60);
    /** The least time between two refreshes forced by {@link #invalidate(AccessToken)}. */
    public static final Duration FORCED_REFRESH_INTERVAL = Duration.ofSeconds(10);

    private final ConcurrentHashMap<CacheKey, Entry> entries = new ConcurrentHashMap<>();
    private final Function<CacheKey, CompletableFuture<AccessToken>> fetcher;
    private final Clock clock;
    private final RandomGenerator random;
    private final Duration pause;
    private final String clientId;

    public TokenCache(Function<CacheKey, CompletableFuture<AccessToken>> fetcher, Clock clock, RandomGenerator random,
                      Duration pause, String clientId) {
        this.fetcher = fetcher;
        this.clock = clock;
        this.random = random;
        this.pause = pause;
        this.clientId = clientId;
    }

    /** A token and the instants, in clock millis, at which it turns stale and expired. */
    private record Cached(AccessToken token, long staleAt, long expireAt) {
    }

    /** One key's slot. Held by the token source for its default key to skip the map lookup. */
    public static final class Entry {
        private final CacheKey key;
        private final AtomicReference<@Nullable Cached> current = new AtomicReference<>();
        private final AtomicReference<@Nullable CompletableFuture<AccessToken>> inFlight = new AtomicReference<>();
        private volatile long pausedUntil;
        private volatile long lastForced = Long.MIN_VALUE / 2;

        private Entry(CacheKey key) {
            this.key = key;
        }
    }

    public Entry entry(CacheKey key) {
        return entries.computeIfAbsent(key, Entry::new);
    }

    /** The token, blocking only when there is none that is not expired. */
    public AccessToken get(Entry e) {
        Cached c = e.current.get();
        long now = clock.millis();
        if (c != null && now < c.staleAt) {
            return c.token;
        }
        if (c != null && now < c.expireAt) {
            refreshInBackground(e, c, now);
            return c.token;
        }
        return await(refresh(e, c));
    }

    /** As {@link #get}, never blocking. */
    public CompletableFuture<AccessToken> getAsync(Entry e) {
        Cached c = e.current.get();
        long now = clock.millis();
        if (c != null && now < c.expireAt) {
            if (now >= c.staleAt) {
                refreshInBackground(e, c, now);
            }
            return CompletableFuture.completedFuture(c.token);
        }
        // A dependent future: a caller completing or cancelling it cannot touch the shared one.
        return refresh(e, c).thenApply(Function.identity());
    }

    /** Forgets every token; the next call asks for a new one. */
    public void invalidate() {
        for (Entry e : entries.values()) {
            e.current.set(null);
            e.pausedUntil = 0;
        }
    }

    /**
     * Forgets {@code token} if it is still cached. After a 401, many callers holding the same
     * token each say so: only the first causes a refresh; the others find a newer token. And at
     * most one such refresh per {@link #FORCED_REFRESH_INTERVAL}: an API that refuses every token
     * (a wrong audience, say) must not turn each call into a token request.
     */
    public void invalidate(AccessToken token) {
        long now = clock.millis();
        for (Entry e : entries.values()) {
            Cached c = e.current.get();
            if (c != null && c.token.equals(token) && now - e.lastForced >= FORCED_REFRESH_INTERVAL.toMillis()
                    && e.current.compareAndSet(c, null)) {
                e.lastForced = now;
            }
        }
    }

    private void refreshInBackground(Entry e, Cached observed, long now) {
        if (now >= e.pausedUntil && e.inFlight.get() == null) {
            refresh(e, observed);
        }
    }

    /** Joins the refresh in flight or starts one; {@code observed} is the token that was found lacking. */
    private CompletableFuture<AccessToken> refresh(Entry e, @Nullable Cached observed) {
        while (true) {
            CompletableFuture<AccessToken> running = e.inFlight.get();
            if (running != null) {
                return running;
            }
            CompletableFuture<AccessToken> mine = new CompletableFuture<>();
            if (!e.inFlight.compareAndSet(null, mine)) {
                continue;
            }
            Cached latest = e.current.get();
            if (latest != null && latest != observed) {
                // A refresh completed between our read and our claim: its token is the new one.
                e.inFlight.compareAndSet(mine, null);
                mine.complete(latest.token);
                return mine;
            }
            start(e, mine);
            return mine;
        }
    }

    private void start(Entry e, CompletableFuture<AccessToken> mine) {
        CompletableFuture<AccessToken> f;
        try {
            f = fetcher.apply(e.key);
        } catch (RuntimeException x) {
            f = CompletableFuture.failedFuture(x);
        }
        f.whenComplete((token, failure) -> {
            // The new state is in place before the flight ends, so a late caller never starts another.
            Throwable cause = failure == null ? null : Retrier.unwrap(failure);
            if (cause == null) {
                e.current.set(schedule(token, clock.millis()));
                e.pausedUntil = 0;
            } else {
                Duration retryAfter = Retrier.retryAfterOf(cause);
                e.pausedUntil = clock.millis() + (retryAfter != null && retryAfter.compareTo(pause) > 0 ? retryAfter : pause).toMillis();
                LOG.log(Level.WARNING, "token refresh failed client_id={0}: {1}", clientId, cause.getMessage());
            }
            e.inFlight.compareAndSet(mine, null);
            if (cause == null) {
                mine.complete(token);
            } else {
                mine.completeExceptionally(cause);
            }
        });
    }

    private Cached schedule(AccessToken token, long now) {
        long exp = token.expiresAt().toEpochMilli();
        long lifetime = Math.max(0, exp - now);
        long expireAt = exp - Math.min(EXPIRY_MARGIN.toMillis(), lifetime / 4);
        // The jitter spreads the refreshes of a fleet that started together.
        long window = Math.max(MIN_STALE_WINDOW.toMillis(), lifetime / 5) + (long) (random.nextDouble() * (lifetime / 10));
        long staleAt = exp - Math.min(window, lifetime / 2);
        return new Cached(token, Math.min(staleAt, expireAt), expireAt);
    }

    private static AccessToken await(CompletableFuture<AccessToken> f) {
        try {
            return f.get();
        } catch (ExecutionException x) {
            Throwable c = Retrier.unwrap(x);
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new KeycardClientException("token request failed: " + c, c);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new TokenUnavailableException("interrupted while waiting for a token", x, null);
        }
    }
}
