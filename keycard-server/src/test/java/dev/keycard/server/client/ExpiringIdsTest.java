package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.client.ExpiringIds.Outcome;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The single-use ids a SQLite node holds in memory: each id is fresh once until it expires, what
 * a failed record releases is free again and only that, the bound turns ids away and says so, and
 * a purge keeps every live id, including ids whose probe runs crossed the ones it dropped.
 */
class ExpiringIdsTest {

    private static final long NOW = 1_000_000;
    private static final long LATER = NOW + 60_000;
    private static final java.util.function.LongConsumer NONE = exp -> {
        throw new AssertionError("not full");
    };

    /** Ids whose low bits collide, all in one stripe: one long probe run. */
    private static long[] colliding(int i) {
        return new long[] {0x1234L + ((long) i << 20), 17 + ((long) i << 32)};
    }

    @Test
    void spendWhenAnIdIsHeldThenOnlyItsFirstSpendIsFreshUntilItExpires() {
        ExpiringIds ids = new ExpiringIds(1_000);
        assertEquals(Outcome.FRESH, ids.spend(1, 2, LATER, NOW, NONE));
        assertEquals(Outcome.HELD, ids.spend(1, 2, LATER, NOW, NONE), "the same id again");
        assertEquals(Outcome.FRESH, ids.spend(1, 3, LATER, NOW, NONE), "another id");
        assertEquals(Outcome.FRESH, ids.spend(1, 2, LATER + 60_000, LATER, NONE), "expired: spent again");
        assertEquals(2, ids.size(), "an expired id's slot is reused");
    }

    @Test
    void releaseWhenIdsShareAProbeRunThenOnlyTheReleasedOneIsFree() {
        ExpiringIds ids = new ExpiringIds(1_000);
        // 100 ids of one stripe whose homes are the last eight slots of every table size it reaches
        // (64, 128, 256): the run wraps past the end, and holds ids of several homes, so a release
        // moves some later ids back and leaves others where they are.
        long[][] run = new long[100][];
        for (int i = 0; i < run.length; i++) {
            run[i] = new long[] {0x1234L + ((long) i << 20), 0xFFFF_FFF8L + (i % 8) + ((long) i << 32)};
            assertEquals(Outcome.FRESH, ids.spend(run[i][0], run[i][1], LATER + i, NOW, NONE));
        }
        for (int i = 0; i < run.length; i += 3) {
            ids.release(run[i][0], run[i][1], LATER + i + 1); // another expiry: not this use's, kept
            ids.release(run[i][0], run[i][1], LATER + i);
        }
        assertEquals(run.length - 34, ids.size());
        for (int i = 0; i < run.length; i++) {
            assertEquals(i % 3 == 0 ? 0 : LATER + i, ids.until(run[i][0], run[i][1]), "id " + i);
        }
        for (int i = 0; i < run.length; i++) {
            Outcome again = ids.spend(run[i][0], run[i][1], LATER + i, NOW, NONE);
            assertEquals(i % 3 == 0 ? Outcome.FRESH : Outcome.HELD, again, "id " + i);
        }
    }

    @Test
    void releaseWhenIdsShareOneHomeThenTheIdsAfterTheHoleStillAnswer() {
        ExpiringIds ids = new ExpiringIds(1_000);
        for (int i = 0; i < 40; i++) { // one home slot: a release at the home must move the next id into it
            long[] id = colliding(i);
            assertEquals(Outcome.FRESH, ids.spend(id[0], id[1], LATER + i, NOW, NONE));
        }
        for (int i = 0; i < 40; i += 3) {
            long[] id = colliding(i);
            ids.release(id[0], id[1], LATER + i);
        }
        for (int i = 0; i < 40; i++) {
            long[] id = colliding(i);
            assertEquals(i % 3 == 0 ? Outcome.FRESH : Outcome.HELD, ids.spend(id[0], id[1], LATER + i, NOW, NONE),
                    "id " + i);
        }
    }

    @Test
    void spendWhenFullThenTurnedAwayAndToldUntilAPurgeMakesRoom() {
        ExpiringIds ids = new ExpiringIds(2);
        assertEquals(Outcome.FRESH, ids.spend(1, 1, NOW + 10, NOW, NONE));
        assertEquals(Outcome.FRESH, ids.spend(2, 2, LATER, NOW, NONE));
        AtomicLong told = new AtomicLong();
        assertEquals(Outcome.FULL, ids.spend(3, 3, LATER + 5, NOW, told::set));
        assertEquals(LATER + 5, told.get(), "the store is told until when it must be asked");
        assertEquals(Outcome.HELD, ids.spend(2, 2, LATER, NOW, NONE), "a held id is still refused when full");
        ids.purge(NOW + 10);
        assertEquals(1, ids.size());
        assertEquals(Outcome.FRESH, ids.spend(3, 3, LATER + 5, NOW + 10, NONE));
    }

    @Test
    void holdWithinWhenFullThenOnlyIdsHeldAlreadyMoveTheirExpiry() {
        ExpiringIds ids = new ExpiringIds(1);
        assertEquals(0, ids.until(1, 1), "not held");
        assertTrue(ids.holdWithin(1, 1, LATER));
        assertFalse(ids.holdWithin(2, 2, LATER), "no room");
        assertEquals(0, ids.until(2, 2));
        assertTrue(ids.holdWithin(1, 1, LATER + 5), "held already: a later expiry");
        assertTrue(ids.holdWithin(1, 1, NOW), "an earlier one changes nothing");
        assertEquals(LATER + 5, ids.until(1, 1));
    }

    @Test
    void purgeWhenExpiredIdsSitInProbeRunsThenEveryLiveIdIsStillFoundAndTheTableShrinks() {
        ExpiringIds ids = new ExpiringIds(1_000_000);
        SplittableRandom random = new SplittableRandom(7);
        List<long[]> live = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            long[] id = i % 20 == 0 ? colliding(i) : new long[] {random.nextLong(), random.nextLong()};
            boolean keeps = i % 3 == 0;
            assertEquals(Outcome.FRESH, ids.spend(id[0], id[1], keeps ? LATER : NOW + 1, NOW, NONE));
            if (keeps) {
                live.add(id);
            }
        }
        ids.purge(NOW + 1);
        assertEquals(live.size(), ids.size());
        for (long[] id : live) {
            assertEquals(Outcome.HELD, ids.spend(id[0], id[1], LATER, NOW + 1, NONE));
        }
        ids.hold(live.get(0)[0], live.get(0)[1], LATER + 1); // read back at start: the later expiry kept
        assertEquals(Outcome.HELD, ids.spend(live.get(0)[0], live.get(0)[1], LATER + 2, LATER, NONE));
        assertEquals(live.size(), ids.size());
    }

    @Test
    void spendWhenThreadsRaceForTheSameIdsThenEachIsFreshExactlyOnce() throws InterruptedException {
        ExpiringIds ids = new ExpiringIds(1_000_000);
        int threads = 4;
        int each = 5_000;
        AtomicInteger fresh = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    long[] id = i % 2 == 0 ? colliding(i) : new long[] {i * 0x9E3779B97F4A7C15L, i};
                    if (ids.spend(id[0], id[1], LATER, NOW, NONE) == Outcome.FRESH) {
                        fresh.incrementAndGet();
                    }
                }
            }));
        }
        start.countDown();
        for (Thread t : running) {
            t.join();
        }
        assertEquals(each, fresh.get(), "every id fresh once, whichever thread came first");
        assertEquals(each, ids.size());
    }

    @Test
    void idOfWhenThreadsHashAtOnceThenEachIdIsTheFirst128BitsOfSha256OverThePair() throws Exception {
        List<Thread> running = new ArrayList<>();
        AtomicInteger wrong = new AtomicInteger();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            running.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 5_000; i++) {
                    String first = "client-" + thread;
                    String second = "jti-" + i;
                    long[] id = ExpiringIds.idOf(first, '\0', second);
                    ByteBuffer expected;
                    try {
                        expected = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256")
                                .digest((first + '\0' + second).getBytes(StandardCharsets.UTF_8)));
                    } catch (NoSuchAlgorithmException e) {
                        throw new IllegalStateException(e);
                    }
                    if (id[0] != expected.getLong() || id[1] != expected.getLong()) {
                        wrong.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : running) {
            t.join();
        }
        assertEquals(0, wrong.get(), "ids that are not SHA-256 over the pair");
        assertFalse(Arrays.equals(ExpiringIds.idOf("a", ' ', "bc"), ExpiringIds.idOf("ab", ' ', "c")),
                "the separator keeps pairs apart");
    }
}
