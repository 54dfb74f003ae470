package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The writer's groups: after a group of several, a commit waits for as many items, up to the
 * pace; a request on its own is committed at once, however long the pace.
 */
class GroupCommitTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Records the size of every group it is given; the first group waits for {@code release}. */
    private static final class Sink implements GroupCommit.Sink<Integer> {
        final List<Integer> groups = new CopyOnWriteArrayList<>();
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public boolean[] record(List<Integer> items) throws Exception {
            groups.add(items.size());
            started.countDown();
            assertTrue(release.await(30, TimeUnit.SECONDS));
            boolean[] first = new boolean[items.size()];
            Arrays.fill(first, true);
            return first;
        }
    }

    /** Commits 0 alone, while 1 and 2 queue behind it, then 1 and 2 together: the last group held two. */
    private static void groupOfTwo(GroupCommit<Integer> commits, Sink sink) throws Exception {
        CompletableFuture<Boolean> first = commits.submit(0);
        assertTrue(sink.started.await(30, TimeUnit.SECONDS));
        List<CompletableFuture<Boolean>> waiting = List.of(commits.submit(1), commits.submit(2));
        sink.release.countDown();
        assertTrue(first.get(30, TimeUnit.SECONDS));
        for (CompletableFuture<Boolean> f : waiting) {
            assertTrue(f.get(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of(1, 2), sink.groups);
    }

    @Test
    void submitWhenTheLastGroupHeldTwoThenTheNextWaitsForASecondItemButNotForThePace() throws Exception {
        Sink sink = new Sink();
        try (GroupCommit<Integer> commits = new GroupCommit<>("test-commits", sink, WAIT, 1024, Duration.ofHours(1))) {
            groupOfTwo(commits, sink);
            CompletableFuture<Boolean> third = commits.submit(3);
            Thread.sleep(50); // without a pace, 3 would be committed alone meanwhile
            CompletableFuture<Boolean> fourth = commits.submit(4);
            assertTrue(third.get(10, TimeUnit.SECONDS), "3 waited for the hour's pace");
            assertTrue(fourth.get(10, TimeUnit.SECONDS));
            assertEquals(List.of(1, 2, 2), sink.groups, "3 waited for 4, as many as the last group held");
        }
    }

    @Test
    void submitWhenTheLastGroupHeldTwoAndOneComesThenItIsCommittedAloneOnceThePaceHasPassed() throws Exception {
        Sink sink = new Sink();
        Duration pace = Duration.ofMillis(200);
        try (GroupCommit<Integer> commits = new GroupCommit<>("test-commits", sink, WAIT, 1024, pace)) {
            groupOfTwo(commits, sink);
            assertTrue(commits.submit(3).get(10, TimeUnit.SECONDS), "3 waited for a second item past the pace");
            assertEquals(List.of(1, 2, 1), sink.groups);
        }
    }

    @Test
    void submitWhenRequestsComeOneAtATimeThenEachIsCommittedWithoutThePace() throws Exception {
        Sink sink = new Sink();
        sink.release.countDown();
        try (GroupCommit<Integer> commits = new GroupCommit<>("test-commits", sink, WAIT, 1024, Duration.ofHours(1))) {
            for (int i = 0; i < 5; i++) {
                assertTrue(commits.submit(i).get(10, TimeUnit.SECONDS), "request " + i + " waited for the pace");
            }
            assertEquals(List.of(1, 1, 1, 1, 1), sink.groups);
        }
    }
}
