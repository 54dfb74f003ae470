package dev.keycard.server.client;

import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.ScopeUsageRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to the store what the token path noted in memory: the secrets' last-used times
 * ({@link SecretUsage}) and the scopes clients were issued ({@link ScopeUsage}), from the
 * background thread every {@code secret.last-used-flush} and once more at shutdown.
 *
 * <p>At most {@link #ROWS_PER_TRANSACTION} rows a transaction. After a start, the first flush
 * writes the first use of every client that came back meanwhile: with 100,000 clients in use,
 * 100,000 secret rows and as many scope rows. In one transaction, that held SQLite's one writer
 * lock (and on PostgreSQL the rows of those clients' secrets) for the whole write, 0.6–5 s, and
 * an admin change or a revocation waited behind it; in pieces, each waits for one piece at most
 * (docs/decisions.md, 42). A piece that fails is not lost: it and the pieces after it are handed
 * back, written at the next flush; the pieces before it stay written.
 *
 * <p>At most {@link #clientsPerFlush} clients' uses a flush. In one flush, those 200,000 rows cost
 * a SQLite store about 4 s of the two cores while tokens were being issued, 40 % more CPU per token
 * for the 15 s it took (docs/benchmarks.md, issue 11). Paced, each flush writes a share that
 * lets it write the whole registry in a quarter of {@code secret.last-used-resolution}; the
 * clients not written stay first in line for the next flush. A registry of 1,000 clients or
 * fewer is written whole at every flush; with the resolution 0 (every use written), nothing is
 * held back.
 */
public final class UsageFlush {

    private static final Logger LOG = LoggerFactory.getLogger(UsageFlush.class);
    /** The most rows (secrets' times and scopes' together) one transaction writes. */
    static final int ROWS_PER_TRANSACTION = 1_000;
    /** The fewest clients a flush writes when it has them: a registry this size is written whole at each flush. */
    static final int FEWEST_CLIENTS_PER_FLUSH = 1_000;
    /** A flush writes enough that every registered client could be written in this part (a quarter) of the resolution. */
    static final int PARTS_OF_RESOLUTION = 4;

    private final Database db;
    private final ClientRepository clients;
    private final ScopeUsageRepository scopeRows;
    private final SecretUsage secrets;
    private final ScopeUsage scopes;
    private final Clock clock;
    private final IntSupplier registered;
    private final Duration period;
    private final Duration resolution;
    private final ReentrantLock flushing = new ReentrantLock();

    /**
     * @param registered how many clients are registered now
     * @param period how often {@link #flush} runs ({@code secret.last-used-flush})
     * @param resolution how old a written time is before it is written again ({@code secret.last-used-resolution})
     */
    public UsageFlush(Database db, ClientRepository clients, ScopeUsageRepository scopeRows, SecretUsage secrets,
                      ScopeUsage scopes, Clock clock, IntSupplier registered, Duration period, Duration resolution) {
        this.db = db;
        this.clients = clients;
        this.scopeRows = scopeRows;
        this.secrets = secrets;
        this.scopes = scopes;
        this.clock = clock;
        this.registered = registered;
        this.period = period;
        this.resolution = resolution;
    }

    /**
     * The most clients whose uses one flush writes: enough to write all {@code registered} in a
     * quarter of the resolution, and at least {@link #FEWEST_CLIENTS_PER_FLUSH}. A client waits at
     * most that quarter for its turn, since it is listed once however often it is used, so the
     * store is at most a resolution and a quarter behind. Unlimited when the resolution is 0.
     */
    static int clientsPerFlush(int registered, Duration period, Duration resolution) {
        if (resolution.isZero()) {
            return Integer.MAX_VALUE;
        }
        long quarter = Math.max(1, resolution.toMillis() / PARTS_OF_RESOLUTION);
        long share = Math.ceilDiv((long) registered * period.toMillis(), quarter);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(FEWEST_CLIENTS_PER_FLUSH, share));
    }

    /**
     * Writes what is due now ({@code secret.last-used-resolution}); on failure it is kept for the
     * next round. Skipped while an earlier flush still waits for the store: one per period would
     * otherwise pile up on the worker threads that admin calls and revocations need.
     */
    public void flush() {
        if (!flushing.tryLock()) {
            return;
        }
        try {
            Instant now = clock.instant();
            int most = clientsPerFlush(registered.getAsInt(), period, resolution);
            write(secrets.drain(now, most), scopes.drain(now, most));
        } finally {
            flushing.unlock();
        }
    }

    /** At shutdown: waits for a flush still running, then writes every use that moved, whatever the resolution. */
    public void flushAll() {
        flushing.lock();
        try {
            write(secrets.drainAll(), scopes.drainAll());
        } finally {
            flushing.unlock();
        }
    }

    private void write(Map<String, Instant> times, List<ScopeUsageRepository.Use> uses) {
        List<Map.Entry<String, Instant>> timeList = new ArrayList<>(times.entrySet());
        int t = 0; // the times written so far
        int u = 0; // the scope uses written so far
        try {
            while (t < timeList.size() || u < uses.size()) {
                int tEnd = Math.min(timeList.size(), t + ROWS_PER_TRANSACTION);
                int uEnd = Math.min(uses.size(), u + ROWS_PER_TRANSACTION - (tEnd - t));
                Map<String, Instant> timePiece = asMap(timeList.subList(t, tEnd));
                List<ScopeUsageRepository.Use> usePiece = uses.subList(u, uEnd);
                db.transaction(c -> {
                    if (!timePiece.isEmpty()) {
                        clients.recordLastUsed(c, timePiece);
                    }
                    if (!usePiece.isEmpty()) {
                        scopeRows.record(c, usePiece);
                    }
                    return null;
                });
                t = tEnd;
                u = uEnd;
            }
        } catch (RuntimeException e) {
            secrets.restore(asMap(timeList.subList(t, timeList.size())));
            scopes.restore(uses.subList(u, uses.size()));
            LOG.warn("could not record secret and scope usage; will retry: {}", e.getMessage());
        }
    }

    private static Map<String, Instant> asMap(List<Map.Entry<String, Instant>> entries) {
        Map<String, Instant> out = new LinkedHashMap<>();
        entries.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
