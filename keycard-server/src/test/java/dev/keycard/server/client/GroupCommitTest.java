package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The writer's groups: under load a commit waits for the pace and takes everything that came
 * meanwhile; a request on its own is committed at once, however long the pace.
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

    @Test
    void submitWhenTheLastCommitFoundOthersWaitingThenTheNextWaitsForThePaceAndTakesWhatCame() throws Exception {
        Sink sink = new Sink();
        try (GroupCommit<Integer> commits = new GroupCommit<>("test-commits", sink, WAIT, 1024, Duration.ofSeconds(2))) {
            CompletableFuture<Boolean> first = commits.submit(0);
            assertTrue(sink.started.await(30, TimeUnit.SECONDS));
            List<CompletableFuture<Boolean>> waiting = List.of(commits.submit(1), commits.submit(2));
            sink.release.countDown(); // the writer takes 1 and 2 together: a group of two
            assertTrue(first.get(30, TimeUnit.SECONDS));
            for (CompletableFuture<Boolean> f : waiting) {
                assertTrue(f.get(30, TimeUnit.SECONDS));
            }
            List<CompletableFuture<Boolean>> later = new ArrayList<>();
            later.add(commits.submit(3));
            Thread.sleep(50); // without a pace, 3 would be committed alone meanwhile
            for (int i = 4; i < 24; i++) {
                later.add(commits.submit(i));
            }
            for (CompletableFuture<Boolean> f : later) {
                assertTrue(f.get(30, TimeUnit.SECONDS));
            }
            assertEquals(List.of(1, 2, 21), sink.groups, "after a group of two, the next waits and takes all 21");
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
