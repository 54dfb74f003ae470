package dev.keycard.server.client;

import dev.keycard.server.config.PrivateFiles;
import dev.keycard.server.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single use of client assertions (RFC 7523 §3 item 7) and DPoP proofs (RFC 9449 §11.1) on a
 * server that is the only node of its store (SQLite): memory decides, a journal remembers.
 *
 * <p>Every {@code jti} accepted and not yet expired is held in memory, and that map alone says
 * whether a {@code jti} is new: no store read, no B-tree insert. Each accepted use is also
 * appended to a journal of fixed 24-byte records (a 128-bit SHA-256 prefix of the client and
 * {@code jti}, and the expiry) and the request is answered only once the record is flushed to disk
 * ({@code fdatasync}), so a use survives {@code kill -9} and a power cut alike; one writer thread
 * writes and flushes every use waiting in one go. The start reads the journal back. The journal
 * is two files used in turn: once everything in the older one has expired, it is emptied and
 * written next, so the journal holds at most two assertion lifetimes of uses.
 *
 * <p>Memory is bounded ({@link #DEFAULT_MAX_REMEMBERED}). Past it, a use goes to the store's record
 * ({@link AssertionReplay}, what PostgreSQL nodes use), and until the last use recorded there has
 * expired every use is checked there as well, so a {@code jti} is never judged by half of what was
 * spent. The journal's first file is locked while the server runs: a second process on the same
 * database, which would have a memory of its own, is refused at its start.
 */
public final class JournaledReplay implements ClientAssertions.SingleUse, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournaledReplay.class);
    /**
     * The most uses remembered in memory (a 24-byte slot each in {@link ExpiringIds}, 32 to 64 bytes
     * with the tables' free slots: at most 64 MB in all); past it, the store records them.
     */
    static final int DEFAULT_MAX_REMEMBERED = 1_000_000;
    /** Bytes of one record: the id's two halves and the expiry in epoch milliseconds, big-endian. */
    static final int RECORD = 24;
    private static final int MAX_BATCH = 1024;
    /**
     * How far a file is extended at a time, with zeros, ahead of the records written into it: a
     * record then overwrites bytes the file already has, and its flush ({@code fdatasync}) writes
     * the data alone, not the file's size as well (about a third less work per flush on ext4).
     * A record is never all zeros (its expiry is at least 1), so the first zero expiry ends a file.
     */
    static final int EXTENT = RECORD * 8192;
    /**
     * The longest a flush waits under load for as many uses as the last one held, from the last
     * one's start ({@link GroupCommit}): a flush then serves more requests.
     */
    static final Duration PACE = Duration.ofMillis(2);
    /** The journals open in this process, by their real path. */
    private static final java.util.Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    /** 128 bits of SHA-256 over the client and the {@code jti}: what a use is known by. */
    record Id(long high, long low) {
    }

    /** A use to write: its id and its expiry (epoch ms). */
    private record Use(Id id, long exp) {
    }

    private final FileChannel[] segments;
    private final long[] latest = new long[2];
    private final Path journal;
    private final FileLock lock;
    private final AssertionReplay store;
    private final Clock clock;
    private final ExpiringIds remembered;
    private final GroupCommit<Use> commits;
    /** Written by the writer thread only. */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(RECORD * MAX_BATCH);
    /** Until when (epoch ms) the store may hold a live use: till then, every use is checked there too. */
    private final AtomicLong storeUntil;
    /** Told the expiry of a use memory had no room for: the store must be asked till then. */
    private final LongConsumer noRoom;
    /** The file written now; with {@link #latest}, touched by the start and the writer thread only. */
    private int current;

    private JournaledReplay(Path journal, FileChannel[] segments, FileLock lock, AssertionReplay store, Clock clock,
                            Duration wait, int maxRemembered, long storeUntil) {
        this.journal = journal;
        this.segments = segments;
        this.lock = lock;
        this.store = store;
        this.clock = clock;
        this.remembered = new ExpiringIds(maxRemembered);
        this.storeUntil = new AtomicLong(storeUntil);
        this.noRoom = exp -> this.storeUntil.accumulateAndGet(exp, Math::max);
        this.commits = new GroupCommit<>("keycard-jti-journal", this::append, wait, MAX_BATCH, PACE);
    }

    /**
     * Opens the journal at {@code journal}{@code .0} and {@code .1} (created 0600 when missing),
     * locks it, and reads back every use that has not expired.
     *
     * @param store where uses go past the memory's bound
     * @param storeUntil the latest expiry among the uses the store holds (epoch ms), 0 when none
     * @throws StoreException when the journal cannot be read or another process holds it
     */
    public static JournaledReplay open(Path journal, AssertionReplay store, Clock clock, Duration wait,
                                       long storeUntil) {
        return open(journal, store, clock, wait, storeUntil, DEFAULT_MAX_REMEMBERED);
    }

    static JournaledReplay open(Path journal, AssertionReplay store, Clock clock, Duration wait, long storeUntil,
                                int maxRemembered) {
        Path real;
        try {
            Path absolute = journal.toAbsolutePath();
            real = absolute.getParent().toRealPath().resolve(absolute.getFileName());
        } catch (IOException e) {
            throw new StoreException("cannot open the journal of used assertions " + segment(journal, 0) + ": " + e, e);
        }
        // In one process the file lock cannot tell two servers apart (and closing the second's file
        // would release the first's lock): this set does.
        if (!OPEN.add(real)) {
            throw inUse(real);
        }
        FileChannel[] segments = new FileChannel[2];
        try {
            boolean created = false;
            for (int i = 0; i < 2; i++) {
                Path file = segment(real, i);
                created |= Files.notExists(file);
                PrivateFiles.restrict(file);
                segments[i] = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
            }
            if (created) { // the new names themselves survive a power cut
                try (FileChannel dir = FileChannel.open(real.getParent(), StandardOpenOption.READ)) {
                    dir.force(true);
                }
            }
            FileLock lock;
            try {
                lock = segments[0].tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw inUse(real);
            }
            JournaledReplay replay = new JournaledReplay(real, segments, lock, store, clock, wait, maxRemembered,
                    storeUntil);
            replay.load();
            return replay;
        } catch (IOException | RuntimeException e) {
            for (FileChannel c : segments) {
                closeQuietly(c);
            }
            OPEN.remove(real);
            if (e instanceof StoreException s) {
                throw s;
            }
            throw new StoreException("cannot open the journal of used assertions " + segment(real, 0) + ": " + e, e);
        }
    }

    private static StoreException inUse(Path journal) {
        return new StoreException("another Keycard process uses this SQLite store (" + segment(journal, 0)
                + " is locked): a SQLite store serves one server; run several on PostgreSQL", null);
    }

    static Path segment(Path journal, int i) {
        return journal.resolveSibling(journal.getFileName() + "." + i);
    }

    /**
     * Reads both files back: the live uses into memory. A file ends at its first record with a zero
     * expiry (the zeros it was extended with) or at its last whole record; a torn last record (a
     * crash mid-write) is cut off. The next record is written where a file ends.
     */
    private void load() throws IOException {
        long now = clock.millis();
        int live = 0;
        for (int i = 0; i < 2; i++) {
            FileChannel c = segments[i];
            long whole = c.size() - c.size() % RECORD;
            if (whole != c.size()) {
                c.truncate(whole);
            }
            ByteBuffer in = ByteBuffer.allocate(RECORD * 4096);
            long position = 0;
            reading:
            while (position < whole) {
                in.clear();
                int n = c.read(in, position);
                if (n <= 0) {
                    break;
                }
                n -= n % RECORD;
                in.flip();
                for (int r = 0; r < n / RECORD; r++, position += RECORD) {
                    long high = in.getLong();
                    long low = in.getLong();
                    long exp = in.getLong();
                    if (exp == 0) {
                        break reading;
                    }
                    latest[i] = Math.max(latest[i], exp);
                    if (exp > now) {
                        remembered.hold(high, low, exp);
                        live++;
                    }
                }
            }
            c.position(position);
        }
        current = latest[1] > latest[0] ? 1 : 0;
        if (live > 0) {
            LOG.info("{} used client assertion and DPoP proof ids read back from {}", live, journal);
        }
    }

    /**
     * Records a use of {@code jti} by {@code clientId}, valid until {@code expiresAt}, without
     * blocking.
     *
     * @return completes with true the first time, once it is on disk; with false when it was used
     *     before; fails with {@link AssertionReplay.Unavailable} when it cannot be recorded in time
     */
    @Override
    public CompletableFuture<Boolean> spend(String clientId, String jti, Instant expiresAt) {
        Id id = id(clientId, jti);
        long now = clock.millis();
        long exp = expiresAt.toEpochMilli();
        // With no room the store records it: said before the id's stripe is let go, so that a spend
        // of the same jti that finds room a moment later also asks the store.
        ExpiringIds.Outcome outcome = remembered.spend(id.high(), id.low(), exp, now, noRoom);
        if (outcome == ExpiringIds.Outcome.HELD) {
            return CompletableFuture.completedFuture(false); // used before, or in flight
        }
        boolean inMemory = outcome == ExpiringIds.Outcome.FRESH;
        if (!inMemory || now < storeUntil.get()) {
            return viaStore(clientId, jti, expiresAt, id, exp, inMemory);
        }
        return journal(id, exp);
    }

    /** Past the memory's bound, or while the store may hold live uses: the store decides too. */
    private CompletableFuture<Boolean> viaStore(String clientId, String jti, Instant expiresAt, Id id, long exp,
                                                boolean inMemory) {
        storeUntil.accumulateAndGet(exp, Math::max);
        CompletableFuture<Boolean> stored = store.spend(clientId, jti, expiresAt);
        if (!inMemory) {
            return stored;
        }
        return stored.handle((first, failure) -> {
            if (failure != null || !first) {
                remembered.release(id.high(), id.low(), exp);
            }
            if (failure != null) {
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            return first;
        });
    }

    private CompletableFuture<Boolean> journal(Id id, long exp) {
        return commits.submit(new Use(id, exp)).handle((first, failure) -> {
            if (failure == null) {
                return first;
            }
            if (!(failure instanceof TimeoutException)) {
                remembered.release(id.high(), id.low(), exp);
            } // after a timeout it may still be written: a retry with the same jti is then a replay
            throw new CompletionException(AssertionReplay.unavailable(failure, "the journal", commits.waitLimit()));
        });
    }

    /** Writes the batch at the end of the current file and flushes it; turns to the other file first when it may. */
    private boolean[] append(List<Use> batch) throws IOException {
        long now = clock.millis();
        int other = 1 - current;
        if (latest[other] <= now && segments[current].position() > 0) {
            // Everything in the other file has expired: empty it and write there; the current one becomes the older.
            segments[other].truncate(0);
            segments[other].position(0);
            latest[other] = 0;
            current = other;
        }
        FileChannel out = segments[current];
        long start = out.position();
        buffer.clear();
        for (Use u : batch) {
            long exp = Math.max(u.exp(), 1); // a zero expiry ends a file
            buffer.putLong(u.id().high()).putLong(u.id().low()).putLong(exp);
            latest[current] = Math.max(latest[current], exp);
        }
        buffer.flip();
        try {
            long size = out.size();
            if (start + buffer.remaining() > size) {
                extend(out, size);
            }
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(false);
        } catch (IOException e) {
            // A part written (a full disk) would leave the next records off the 24-byte grid: cut it.
            try {
                out.truncate(start);
                out.position(start);
            } catch (IOException cut) {
                e.addSuppressed(cut);
            }
            throw e;
        }
        boolean[] first = new boolean[batch.size()];
        Arrays.fill(first, true); // memory decided: each use here is the first
        return first;
    }

    /** Adds {@link #EXTENT} zero bytes at the end of {@code out} ({@code size} long); the next flush keeps them. */
    private static void extend(FileChannel out, long size) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate(EXTENT);
        for (long at = size; zeros.hasRemaining(); ) {
            at += out.write(zeros, at);
        }
    }

    /** Forgets what has expired, in memory and in the store; called now and then. */
    public void purge() {
        long now = clock.millis();
        remembered.purge(now);
        store.purge();
    }

    /** How many uses are remembered now (for tests). */
    int remembered() {
        return remembered.size();
    }

    static Id id(String clientId, String jti) {
        long[] id = ExpiringIds.idOf(clientId, '\0', jti); // a client_id holds no NUL: "a" + "bc" and "ab" + "c" differ
        return new Id(id[0], id[1]);
    }

    /** Writes what is queued, then releases the journal. */
    @Override
    public void close() {
        commits.close();
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        for (FileChannel c : segments) {
            closeQuietly(c);
        }
        OPEN.remove(journal);
    }

    private static void closeQuietly(@Nullable FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing more to do
            }
        }
    }
}
