package dev.keycard.server.client;

import dev.keycard.server.store.AssertionJtiRepository;
import dev.keycard.server.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single use of client assertions (RFC 7523 §3 item 7): a {@code jti} is accepted once per
 * client until the assertion's {@code exp}, on every node and across a restart. Called only after
 * the signature verified, so nobody without the client's key can spend its {@code jti}s.
 *
 * <p>Two layers. In memory, the {@code jti}s this node accepted lately (bounded): a replay to the
 * same node is refused without touching the store. In the store ({@link AssertionJtiRepository}),
 * the record every node and every restart sees: a {@code jti} counts as used once its row is
 * committed, and the answer waits for that commit. Writes are grouped: one writer thread takes
 * every use waiting and records them in one transaction, so under load a commit (one fsync on
 * SQLite, one round trip and one WAL flush on PostgreSQL) serves many requests, not one each.
 */
public final class AssertionReplay implements ClientAssertions.SingleUse, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AssertionReplay.class);
    /** The most uses recorded in one transaction. */
    static final int MAX_BATCH = 256;
    /** The most {@code jti}s remembered in memory; past it, the store alone decides. */
    static final int MAX_REMEMBERED = 100_000;

    /** The store could not say whether the assertion is new: refuse it, and let the client retry. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** A use waiting to be recorded, and the instant ({@link System#nanoTime()}) its request stops waiting. */
    private record Pending(AssertionJtiRepository.Use use, CompletableFuture<Boolean> first, long deadline) {
    }

    /** How often requests whose use the store has not recorded in time are told so. */
    static final long SWEEP_MILLIS = 100;

    private final Database db;
    private final AssertionJtiRepository repository;
    private final Clock clock;
    private final Duration wait;
    private final ConcurrentHashMap<String, Long> remembered = new ConcurrentHashMap<>();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Started by the first assertion: a server whose clients use secrets runs no writer. */
    private @Nullable Thread writer;
    /** Fails the requests whose use is not recorded within {@code wait}: one timer for all of them. */
    private @Nullable ScheduledExecutorService sweeper;
    /** The group being recorded now, for the sweeper. */
    private volatile List<Pending> recording = List.of();
    private volatile boolean closed;

    /** @param wait the longest a request waits for its use to be recorded */
    public AssertionReplay(Database db, AssertionJtiRepository repository, Clock clock, Duration wait) {
        this.db = db;
        this.repository = repository;
        this.clock = clock;
        this.wait = wait;
    }

    /**
     * Records a use of {@code jti} by {@code clientId}, valid until {@code expiresAt}, without
     * blocking: the future completes when the store has committed it (or refused it).
     *
     * @return completes with true the first time, false when it was used before, here or on
     *     another node; fails with {@link Unavailable} when the store does not record it in time
     */
    @Override
    public CompletableFuture<Boolean> spend(String clientId, String jti, Instant expiresAt) {
        String key = clientId + ' ' + jti; // a client_id has no space
        long now = clock.millis();
        long exp = expiresAt.toEpochMilli();
        boolean remember = remembered.size() < MAX_REMEMBERED || remembered.containsKey(key);
        if (remember) {
            boolean[] fresh = {false};
            remembered.compute(key, (k, held) -> {
                if (held == null || held <= now) {
                    fresh[0] = true;
                    return exp;
                }
                return held;
            });
            if (!fresh[0]) {
                return CompletableFuture.completedFuture(false); // used before on this node, or in flight here
            }
        }
        CompletableFuture<Boolean> first = new CompletableFuture<>();
        startWriter();
        if (closed || !queue.offer(new Pending(new AssertionJtiRepository.Use(clientId, jti, expiresAt), first,
                System.nanoTime() + wait.toNanos()))) {
            forget(remember, key, exp);
            return CompletableFuture.failedFuture(new Unavailable("the server is stopping"));
        }
        return first.handle((isFirst, failure) -> {
            if (failure == null) {
                return isFirst;
            }
            if (!(failure instanceof TimeoutException)) {
                forget(remember, key, exp);
            } // after a timeout it may still be committed: then a retry with the same jti is a replay, as it should be
            throw new java.util.concurrent.CompletionException(new Unavailable(failure instanceof TimeoutException
                    ? "the store did not record the assertion within " + wait.toMillis() + " ms"
                    : "the store could not record the assertion: " + failure));
        });
    }

    private synchronized void startWriter() {
        if (writer == null && !closed) {
            writer = Thread.ofPlatform().daemon().name("keycard-assertion-jtis").start(this::write);
            sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("keycard-assertion-jtis-timeout").factory());
            sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Fails every waiting request past its deadline, queued or being recorded (a later commit changes nothing). */
    private void sweep() {
        long now = System.nanoTime();
        for (List<Pending> pendings : List.of(List.copyOf(queue), recording)) {
            for (Pending p : pendings) {
                if (now - p.deadline() > 0) {
                    p.first().completeExceptionally(new TimeoutException());
                }
            }
        }
    }

    private void forget(boolean remembered, String key, long exp) {
        if (remembered) {
            this.remembered.remove(key, exp);
        }
    }

    private void write() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending head = queue.poll(1, TimeUnit.SECONDS);
                if (head == null) {
                    continue;
                }
                batch.add(head);
                queue.drainTo(batch, MAX_BATCH - 1);
                recording = List.copyOf(batch);
                List<AssertionJtiRepository.Use> uses = batch.stream().map(Pending::use).toList();
                Instant now = clock.instant();
                boolean[] first = db.transaction(c -> repository.record(c, uses, now));
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).first().complete(first[i]);
                }
                recording = List.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(batch, e);
                return;
            } catch (RuntimeException e) {
                LOG.warn("could not record {} client assertion(s); their requests are refused: {}", batch.size(),
                        e.toString());
                fail(batch, e);
            }
            batch.clear();
        }
    }

    private static void fail(List<Pending> batch, Exception e) {
        batch.forEach(p -> p.first().completeExceptionally(e));
    }

    /** Forgets what has expired, in memory and in the store; called now and then. */
    public void purge() {
        long now = clock.millis();
        remembered.values().removeIf(exp -> exp <= now);
        int gone = db.transaction(c -> repository.purge(c, Instant.ofEpochMilli(now)));
        if (gone > 0) {
            LOG.debug("purged {} expired client assertion ids", gone);
        }
    }

    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = writer;
            if (sweeper != null) {
                sweeper.shutdownNow();
            }
        }
        if (running != null) {
            try {
                running.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        fail(left, new IllegalStateException("stopped"));
    }
}
