package dev.keycard.server.client;

import dev.keycard.server.store.AssertionJtiRepository;
import dev.keycard.server.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
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
 * every use waiting and records them in one statement, which commits alone, so under load a
 * commit (one fsync on SQLite, one round trip and one WAL flush on PostgreSQL) serves many
 * requests, not one each.
 */
public final class AssertionReplay implements ClientAssertions.SingleUse, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AssertionReplay.class);
    /** The most uses recorded by one statement. */
    static final int MAX_BATCH = 256;
    /**
     * The longest a commit waits under load, from the last one's start, for as many uses as the
     * last one held ({@link GroupCommit}): a statement then records more of them. A statement's
     * fixed cost (a round trip, a WAL flush, PostgreSQL's executor) is paid once per group, so
     * larger groups cost the database less CPU per token (docs/benchmarks.md).
     */
    static final Duration PACE = Duration.ofMillis(2);
    /** The most {@code jti}s remembered in memory; past it, the store alone decides. */
    static final int MAX_REMEMBERED = 100_000;

    /** The store could not say whether the assertion is new: refuse it, and let the client retry. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final Database db;
    private final AssertionJtiRepository repository;
    private final Clock clock;
    private final GroupCommit<AssertionJtiRepository.Use> commits;
    private final ConcurrentHashMap<String, Long> remembered = new ConcurrentHashMap<>();

    /** @param wait the longest a request waits for its use to be recorded */
    public AssertionReplay(Database db, AssertionJtiRepository repository, Clock clock, Duration wait) {
        this.db = db;
        this.repository = repository;
        this.clock = clock;
        this.commits = new GroupCommit<>("keycard-assertion-jtis",
                uses -> db.autocommit(c -> repository.record(c, uses, clock.instant())), wait, MAX_BATCH, PACE);
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
        return commits.submit(new AssertionJtiRepository.Use(clientId, jti, expiresAt)).handle((isFirst, failure) -> {
            if (failure == null) {
                return isFirst;
            }
            if (!(failure instanceof TimeoutException)) {
                forget(remember, key, exp);
            } // after a timeout it may still be committed: then a retry with the same jti is a replay, as it should be
            throw new CompletionException(unavailable(failure, "the store", commits.waitLimit()));
        });
    }

    /** What a failed or late record means for the request: it cannot be answered now. */
    static Unavailable unavailable(Throwable failure, String where, Duration wait) {
        if (failure instanceof TimeoutException) {
            return new Unavailable(where + " did not record the assertion within " + wait.toMillis() + " ms");
        }
        return new Unavailable(failure instanceof IllegalStateException ? "the server is stopping"
                : where + " could not record the assertion: " + failure);
    }

    private void forget(boolean remembered, String key, long exp) {
        if (remembered) {
            this.remembered.remove(key, exp);
        }
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

    /** The latest expiry among the uses the store holds, if any: a node that takes over from it must ask it till then. */
    public Optional<Instant> latestExpiry() {
        return db.transaction(repository::latestExpiry);
    }

    @Override
    public void close() {
        commits.close();
    }
}
