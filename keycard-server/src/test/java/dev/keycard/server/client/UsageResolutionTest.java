package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.store.ScopeUsageRepository.Use;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the usage flush hands to the store: a secret's or scope's first use at once, a newer use
 * only once the written one is a resolution old, everything that moved at shutdown, and what a
 * failed write returned at the next flush.
 */
class UsageResolutionTest {

    static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
    static final Duration HOUR = Duration.ofHours(1);
    static final String JOBS = "https://jobs.internal";

    @Test
    void secretWhenUsedAgainWithinTheResolutionThenNotWrittenAgainUntilTheWrittenTimeIsThatOld() {
        SecretUsage usage = new SecretUsage(HOUR);
        usage.used("s1", T0);
        assertEquals(Map.of("s1", T0), usage.drain(T0.plusSeconds(30)), "the first use is written at the next flush");
        usage.used("s1", T0.plusSeconds(40));
        assertEquals(Map.of(), usage.drain(T0.plusSeconds(60)));
        assertEquals(Optional.of(T0.plusSeconds(40)), usage.pending("s1"), "this node still knows the exact time");
        usage.used("s1", T0.plusSeconds(3_590));
        assertEquals(Map.of(), usage.drain(T0.plusSeconds(3_599)));
        assertEquals(Map.of("s1", T0.plusSeconds(3_590)), usage.drain(T0.plusSeconds(3_600)),
                "the written time is an hour old: the latest use is written");
    }

    @Test
    void secretWhenLastUseHeldBackThenWrittenOnceTheResolutionPassesAndTheHolderGoesAfter() {
        SecretUsage usage = new SecretUsage(HOUR);
        usage.used("s1", T0);
        usage.drain(T0.plusSeconds(30));
        usage.used("s1", T0.plusSeconds(40)); // and never again
        assertEquals(Map.of(), usage.drain(T0.plusSeconds(600)));
        assertEquals(Map.of("s1", T0.plusSeconds(40)), usage.drain(T0.plusSeconds(3_630)),
                "a use held back reaches the store within the resolution, though the secret fell silent");
        assertEquals(Map.of(), usage.drain(T0.plusSeconds(3_660)));
        assertEquals(Optional.empty(), usage.pending("s1"), "nothing moved since it was written: the holder is gone");
    }

    @Test
    void secretWhenShutdownThenEveryMovedTimeWrittenWhateverTheResolution() {
        SecretUsage usage = new SecretUsage(HOUR);
        usage.used("s1", T0);
        usage.used("s2", T0);
        usage.drain(T0.plusSeconds(30));
        usage.used("s1", T0.plusSeconds(40));
        assertEquals(Map.of("s1", T0.plusSeconds(40)), usage.drainAll());
    }

    @Test
    void secretWhenWriteFailedThenRestoredTimesWrittenAtTheNextFlushKeepingNewerUses() {
        SecretUsage usage = new SecretUsage(HOUR);
        usage.used("s1", T0);
        usage.drain(T0.plusSeconds(30));
        usage.used("s1", T0.plusSeconds(3_700));
        Map<String, Instant> failed = usage.drain(T0.plusSeconds(3_720));
        assertEquals(Map.of("s1", T0.plusSeconds(3_700)), failed);
        usage.used("s1", T0.plusSeconds(3_730));
        usage.restore(failed);
        assertEquals(Map.of("s1", T0.plusSeconds(3_730)), usage.drain(T0.plusSeconds(3_750)));
    }

    @Test
    void secretWhenResolutionZeroThenEveryMovedTimeWrittenAtEachFlush() {
        SecretUsage usage = new SecretUsage(Duration.ZERO);
        usage.used("s1", T0);
        assertEquals(Map.of("s1", T0), usage.drain(T0.plusSeconds(30)));
        usage.used("s1", T0.plusSeconds(40));
        assertEquals(Map.of("s1", T0.plusSeconds(40)), usage.drain(T0.plusSeconds(60)));
        assertEquals(Map.of(), usage.drain(T0.plusSeconds(90)));
    }

    @Test
    void scopeWhenUsedAgainWithinTheResolutionThenNotWrittenAgainUntilTheWrittenTimeIsThatOld() {
        ScopeUsage usage = new ScopeUsage(HOUR);
        usage.used("w", JOBS, ScopeSet.of("jobs:read", "jobs:write"), T0);
        assertEquals(List.of(new Use("w", JOBS, "jobs:read", T0), new Use("w", JOBS, "jobs:write", T0)),
                sorted(usage.drain(T0.plusSeconds(30))));
        usage.used("w", JOBS, ScopeSet.of("jobs:read"), T0.plusSeconds(120));
        assertEquals(List.of(), usage.drain(T0.plusSeconds(150)));
        assertEquals(List.of(new Use("w", JOBS, "jobs:read", T0.plusSeconds(120))), usage.drain(T0.plusSeconds(3_600)));
        usage.used("w", JOBS, ScopeSet.of("jobs:write"), T0.plusSeconds(3_700));
        assertEquals(List.of(new Use("w", JOBS, "jobs:write", T0.plusSeconds(3_700))), usage.drainAll(),
                "at shutdown what moved is written whatever the resolution");
    }

    @Test
    void scopeWhenWriteFailedThenRestoredUsesWrittenAtTheNextFlush() {
        ScopeUsage usage = new ScopeUsage(HOUR);
        usage.used("w", JOBS, ScopeSet.of("jobs:read"), T0);
        List<Use> failed = usage.drain(T0.plusSeconds(30));
        usage.restore(failed);
        assertEquals(failed, usage.drain(T0.plusSeconds(60)));
    }

    @Test
    void scopeWhenOneClientsFirstUsesRaceThenEveryScopeKeepsItsUse() throws Exception {
        ScopeUsage usage = new ScopeUsage(HOUR);
        int threads = 4;
        int scopes = 200;
        List<Thread> running = new java.util.ArrayList<>();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int first = t;
            running.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                // Each thread adds its own scopes to the same client's maps, and one shared scope.
                for (int i = first; i < scopes; i += threads) {
                    usage.used("w", JOBS, ScopeSet.of("s" + i, "shared"), T0);
                }
            }));
        }
        go.countDown();
        for (Thread t : running) {
            t.join();
        }
        List<Use> drained = usage.drain(T0.plusSeconds(30));
        assertEquals(scopes + 1, drained.size(), "one use for each scope, none lost to a racing first use");
        assertEquals(scopes + 1, drained.stream().map(Use::scope).distinct().count());
    }

    private static List<Use> sorted(List<Use> uses) {
        return uses.stream().sorted(java.util.Comparator.comparing(Use::scope)).toList();
    }
}
