package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.store.AssertionJtiRepository;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.StoreException;
import dev.keycard.server.testing.MutableClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single use on a SQLite node: memory decides, the journal beside the database remembers across
 * a restart (also a torn last record), stays bounded, and past memory's bound the store decides
 * too; a second process is refused.
 */
class JournaledReplayTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();
    private Database db;
    private AssertionReplay store;
    private Path journal;

    @BeforeEach
    void open() {
        db = Database.open("jdbc:sqlite:" + dir.resolve("keycard.db"), "", "", 1);
        store = new AssertionReplay(db, new AssertionJtiRepository(), clock, WAIT);
        journal = dir.resolve("keycard.db-jti");
    }

    @AfterEach
    void close() {
        store.close();
        db.close();
    }

    private JournaledReplay journal(int maxRemembered) {
        return JournaledReplay.open(journal, store, clock, WAIT,
                store.latestExpiry().map(Instant::toEpochMilli).orElse(0L), maxRemembered);
    }

    private Instant in(int seconds) {
        return clock.instant().plusSeconds(seconds);
    }

    @Test
    void spendWhenUsedBeforeThenRefusedAlsoAfterARestart() {
        try (JournaledReplay replay = journal(100)) {
            assertTrue(replay.spend("batch", "jti-1", in(60)).join());
            assertFalse(replay.spend("batch", "jti-1", in(60)).join(), "the same jti again");
            assertTrue(replay.spend("other", "jti-1", in(60)).join(), "another client's jti of the same name");
        }
        try (JournaledReplay replay = journal(100)) {
            assertEquals(2, replay.remembered(), "both uses read back");
            assertFalse(replay.spend("batch", "jti-1", in(60)).join(), "replayed after a restart");
            assertTrue(replay.spend("batch", "jti-2", in(60)).join());
        }
        assertTrue(store.latestExpiry().isEmpty(), "nothing went to the store");
    }

    @Test
    void openWhenTheLastRecordIsTornThenItIsCutOffAndWhatCameBeforeHolds() throws IOException {
        try (JournaledReplay replay = journal(100)) {
            assertTrue(replay.spend("batch", "jti-1", in(60)).join());
        }
        Path written = JournaledReplay.segment(journal, 0);
        Files.write(written, new byte[] {1, 2, 3, 4, 5}, StandardOpenOption.APPEND); // a crash mid-write
        try (JournaledReplay replay = journal(100)) {
            assertFalse(replay.spend("batch", "jti-1", in(60)).join());
            assertTrue(replay.spend("batch", "jti-2", in(60)).join());
        }
        assertEquals(0, Files.size(written) % JournaledReplay.RECORD, "records stay aligned after the cut");
        try (JournaledReplay replay = journal(100)) {
            assertFalse(replay.spend("batch", "jti-2", in(60)).join(), "written after the cut, read back");
        }
    }

    @Test
    void spendWhenEarlierUsesHaveExpiredThenTheirJtiIsFreeAndTheJournalStaysBounded() throws IOException {
        try (JournaledReplay replay = journal(100)) {
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < 20; i++) {
                    assertTrue(replay.spend("batch", "jti-" + round + "-" + i, in(60)).join());
                }
                clock.advance(Duration.ofSeconds(61));
                replay.purge();
            }
            assertTrue(replay.spend("batch", "jti-0-0", in(60)).join(), "an expired use does not count");
            assertTrue(replay.remembered() <= 21, "memory forgets what expired: " + replay.remembered());
        }
        long records = records(JournaledReplay.segment(journal, 0)) + records(JournaledReplay.segment(journal, 1));
        assertTrue(records <= 3 * 20, "the journal keeps about two lifetimes: " + records);
        try (JournaledReplay replay = journal(100)) {
            assertEquals(1, replay.remembered(), "only the live use is read back");
        }
    }

    /** The records a journal file holds: those before its first zero expiry. */
    private static long records(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        long n = 0;
        while (bytes.remaining() >= JournaledReplay.RECORD && bytes.getLong(bytes.position() + 16) != 0) {
            bytes.position(bytes.position() + JournaledReplay.RECORD);
            n++;
        }
        return n;
    }

    @Test
    void spendWhenTheFileIsExtendedAheadThenARestartReadsTheRecordsAndWritesAfterThem() throws IOException {
        Path written = JournaledReplay.segment(journal, 0);
        try (JournaledReplay replay = journal(100)) {
            assertTrue(replay.spend("batch", "jti-1", in(60)).join());
            assertEquals(JournaledReplay.EXTENT, Files.size(written), "extended with zeros ahead of its record");
            assertEquals(1, records(written));
        }
        // A crash mid-write left part of a second record in the zeros: its expiry was never written.
        try (FileChannel c = FileChannel.open(written, StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.wrap(new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9}), JournaledReplay.RECORD);
        }
        Path next = JournaledReplay.segment(journal, 1);
        clock.advance(Duration.ofSeconds(1)); // the next file's uses outlive the first's: it is written after a restart
        try (JournaledReplay replay = journal(100)) {
            assertEquals(1, replay.remembered(), "neither the zeros nor the torn record are uses");
            assertFalse(replay.spend("batch", "jti-1", in(60)).join());
            assertTrue(replay.spend("batch", "jti-2", in(60)).join()); // the other file, empty, is written next
        }
        try (JournaledReplay replay = journal(100)) {
            assertEquals(2, replay.remembered());
            assertFalse(replay.spend("batch", "jti-2", in(60)).join(), "read back after a restart");
            assertTrue(replay.spend("batch", "jti-3", in(60)).join());
        }
        assertEquals(JournaledReplay.EXTENT, Files.size(next), "written into the zeros, not after them");
        assertEquals(2, records(next), "the record after a restart follows the one before it");
        try (JournaledReplay replay = journal(100)) {
            assertEquals(3, replay.remembered());
        }
    }

    @Test
    void spendWhenMemoryIsFullThenTheStoreDecidesUntilItsUsesHaveExpiredAlsoAfterARestart() {
        try (JournaledReplay replay = journal(2)) {
            assertTrue(replay.spend("batch", "a", in(10)).join());
            assertTrue(replay.spend("batch", "b", in(10)).join());
            assertTrue(replay.spend("batch", "c", in(60)).join(), "past the bound: recorded in the store");
            assertFalse(replay.spend("batch", "c", in(60)).join(), "the store refuses it again");
            assertFalse(replay.spend("batch", "a", in(60)).join(), "memory still refuses what it holds");
            clock.advance(Duration.ofSeconds(20));
            replay.purge();
            assertEquals(0, replay.remembered());
            assertFalse(replay.spend("batch", "c", in(60)).join(), "memory has room again, the store still knows c");
            assertTrue(replay.spend("batch", "d", in(60)).join());
        }
        try (JournaledReplay replay = journal(2)) {
            assertFalse(replay.spend("batch", "c", in(60)).join(), "the store's uses are asked after a restart");
        }
    }

    @Test
    void openWhenAnotherServerHoldsTheJournalThenItsStartIsRefused() throws IOException {
        try (JournaledReplay replay = journal(100)) {
            StoreException refused = assertThrows(StoreException.class, () -> journal(100));
            assertTrue(refused.getMessage().contains("another Keycard process uses this SQLite store"),
                    refused.getMessage());
            assertTrue(replay.spend("batch", "jti-1", in(60)).join(), "the first one goes on");
        }
        try (JournaledReplay next = journal(100)) {
            assertFalse(next.spend("batch", "jti-1", in(60)).join(), "once the first has stopped, the next one starts");
        }
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(JournaledReplay.segment(journal, 0))));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(JournaledReplay.segment(journal, 1))));
    }
}
