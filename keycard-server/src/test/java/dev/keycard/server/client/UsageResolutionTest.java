package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.registry.Client;
import dev.keycard.server.testing.TestClients;
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
    /** No limit on the clients a drain hands out. */
    static final int ALL = Integer.MAX_VALUE;
    final Client worker = TestClients.client("w").build();

    @Test
    void secretWhenUsedAgainWithinTheResolutionThenNotWrittenAgainUntilTheWrittenTimeIsThatOld() {
        SecretUsage usage = new SecretUsage(HOUR);
        usage.used(worker, "s1", T0);
        assertEquals(Map.of("s1", T0), usage.drain(T0.plusSeconds(30), ALL), "the first use is written at the next flush");
        usage.used(worker, "s1", T0.plusSeconds(40));
        assertEquals(Map.of(), usage.drain(T0.plusSeconds(60), ALL));
        assertEquals(Optional.of(T0.plusSeconds(40)), usage.pending(worker, "s1"), "this node still knows the exact time");
        usage.used(worker, "s1", T0.plusSeconds(3_590));
        assertEquals(Map.of(), usage.drain(T0.plusSeconds(3_599), ALL));
        assertEquals(Map.of("s1", T0.plusSeconds(3_590)), usage.drain(T0.plusSeconds(3_600), ALL),
                "the written time is an hour old: the latest use is written");
    }

    @Test
    void secretWhenLastUseHeldBackThenWrittenOnceTheResolutionPassesAndNotAgain() {
        SecretUsage usage = new SecretUsage(HOUR);
        usage.used(worker, "s1", T0);
        usage.drain(T0.plusSeconds(30), ALL);
        usage.used(worker, "s1", T0.plusSeconds(40)); // and never again
        assertEquals(Map.of(), usage.drain(T0.plusSeconds(600), ALL));
        assertEquals(Map.of("s1", T0.plusSeconds(40)), usage.drain(T0.plusSeconds(3_630), ALL),
                "a use held back reaches the store within the resolution, though the secret fell silent");
        assertEquals(Map.of(), usage.drain(T0.plusSeconds(3_660), ALL));
        assertEquals(Optional.of(T0.plusSeconds(40)), usage.pending(worker, "s1"),
                "this node still shows its latest use, which the store now has too");
    }

    @Test
    void secretWhenShutdownThenEveryMovedTimeWrittenWhateverTheResolution() {
        SecretUsage usage = new SecretUsage(HOUR);
        usage.used(worker, "s1", T0);
        usage.used(worker, "s2", T0);
        usage.drain(T0.plusSeconds(30), ALL);
        usage.used(worker, "s1", T0.plusSeconds(40));
        assertEquals(Map.of("s1", T0.plusSeconds(40)), usage.drainAll());
    }

    @Test
    void secretWhenWriteFailedThenRestoredTimesWrittenAtTheNextFlushKeepingNewerUses() {
        SecretUsage usage = new SecretUsage(HOUR);
        usage.used(worker, "s1", T0);
        usage.drain(T0.plusSeconds(30), ALL);
        usage.used(worker, "s1", T0.plusSeconds(3_700));
        Map<String, Instant> failed = usage.drain(T0.plusSeconds(3_720), ALL);
        assertEquals(Map.of("s1", T0.plusSeconds(3_700)), failed);
        usage.used(worker, "s1", T0.plusSeconds(3_730));
        usage.restore(failed);
        assertEquals(Map.of("s1", T0.plusSeconds(3_730)), usage.drain(T0.plusSeconds(3_750), ALL));
    }

    @Test
    void secretWhenResolutionZeroThenEveryMovedTimeWrittenAtEachFlush() {
        SecretUsage usage = new SecretUsage(Duration.ZERO);
        usage.used(worker, "s1", T0);
        assertEquals(Map.of("s1", T0), usage.drain(T0.plusSeconds(30), ALL));
        usage.used(worker, "s1", T0.plusSeconds(40));
        assertEquals(Map.of("s1", T0.plusSeconds(40)), usage.drain(T0.plusSeconds(60), ALL));
        assertEquals(Map.of(), usage.drain(T0.plusSeconds(90), ALL));
    }

    @Test
    void scopeWhenUsedAgainWithinTheResolutionThenNotWrittenAgainUntilTheWrittenTimeIsThatOld() {
        ScopeUsage usage = new ScopeUsage(HOUR);
        usage.used(worker, JOBS, ScopeSet.of("jobs:read", "jobs:write"), T0);
        assertEquals(List.of(new Use("w", JOBS, "jobs:read", T0), new Use("w", JOBS, "jobs:write", T0)),
                sorted(usage.drain(T0.plusSeconds(30), ALL)));
        usage.used(worker, JOBS, ScopeSet.of("jobs:read"), T0.plusSeconds(120));
        assertEquals(List.of(), usage.drain(T0.plusSeconds(150), ALL));
        assertEquals(List.of(new Use("w", JOBS, "jobs:read", T0.plusSeconds(120))), usage.drain(T0.plusSeconds(3_600), ALL));
        usage.used(worker, JOBS, ScopeSet.of("jobs:write"), T0.plusSeconds(3_700));
        assertEquals(List.of(new Use("w", JOBS, "jobs:write", T0.plusSeconds(3_700))), usage.drainAll(),
                "at shutdown what moved is written whatever the resolution");
    }

    @Test
    void scopeWhenWriteFailedThenRestoredUsesWrittenAtTheNextFlush() {
        ScopeUsage usage = new ScopeUsage(HOUR);
        usage.used(worker, JOBS, ScopeSet.of("jobs:read"), T0);
        List<Use> failed = usage.drain(T0.plusSeconds(30), ALL);
        usage.restore(failed);
        assertEquals(failed, usage.drain(T0.plusSeconds(60), ALL));
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
                    usage.used(worker, JOBS, ScopeSet.of("s" + i, "shared"), T0);
                }
            }));
        }
        go.countDown();
        for (Thread t : running) {
            t.join();
        }
        List<Use> drained = usage.drain(T0.plusSeconds(30), ALL);
        assertEquals(scopes + 1, drained.size(), "one use for each scope, none lost to a racing first use");
        assertEquals(scopes + 1, drained.stream().map(Use::scope).distinct().count());
    }

    @Test
    void secretWhenSeveralClientsUsedThenEachWrittenOnceAndNoneAgainUntilItMoves() {
        SecretUsage usage = new SecretUsage(Duration.ZERO);
        Client other = TestClients.client("other").build();
        usage.used(worker, "s1", T0);
        usage.used(other, "s2", T0.plusSeconds(1));
        usage.used(worker, "s1", T0.plusSeconds(2));
        assertEquals(Map.of("s1", T0.plusSeconds(2), "s2", T0.plusSeconds(1)), usage.drain(T0.plusSeconds(30), ALL));
        assertEquals(Map.of(), usage.drain(T0.plusSeconds(60), ALL));
        usage.used(other, "s2", T0.plusSeconds(70));
        assertEquals(Map.of("s2", T0.plusSeconds(70)), usage.drain(T0.plusSeconds(90), ALL));
    }

    @Test
    void secretWhenUsesRaceWithDrainsThenEachSecretsLastUseIsWritten() throws Exception {
        SecretUsage usage = new SecretUsage(Duration.ZERO);
        int threads = 2;
        int uses = 20_000;
        List<Client> clients = new java.util.ArrayList<>();
        List<Thread> running = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Client client = TestClients.client("c" + t).build();
            clients.add(client);
            running.add(Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= uses; i++) {
                    usage.used(client, "s-" + client.id().value(), T0.plusMillis(i));
                }
            }));
        }
        // Drains run while the uses are noted: a use racing with one must reach a later drain.
        Map<String, Instant> written = new java.util.HashMap<>();
        while (running.stream().anyMatch(Thread::isAlive)) {
            usage.drain(T0.plusSeconds(60), ALL).forEach((id, at) -> written.merge(id, at, (a, b) -> a.isAfter(b) ? a : b));
        }
        for (Thread t : running) {
            t.join();
        }
        usage.drain(T0.plusSeconds(60), ALL).forEach((id, at) -> written.merge(id, at, (a, b) -> a.isAfter(b) ? a : b));
        for (Client c : clients) {
            assertEquals(T0.plusMillis(uses), written.get("s-" + c.id().value()), c.id().value());
        }
    }

    private static List<Use> sorted(List<Use> uses) {
        return uses.stream().sorted(java.util.Comparator.comparing(Use::scope)).toList();
    }

    @Test
    void drainWhenLimitedThenTheClientsLeftOverComeBeforeThoseListedSince() {
        SecretUsage usage = new SecretUsage(HOUR);
        Client a = TestClients.client("a").build();
        Client b = TestClients.client("b").build();
        Client c = TestClients.client("c").build();
        usage.used(a, "sa", T0);
        usage.used(b, "sb", T0);
        assertEquals(Map.of("sa", T0), usage.drain(T0.plusSeconds(30), 1));
        usage.used(c, "sc", T0.plusSeconds(40));
        assertEquals(Map.of("sb", T0), usage.drain(T0.plusSeconds(60), 1), "b waited longer than c");
        assertEquals(Map.of("sc", T0.plusSeconds(40)), usage.drain(T0.plusSeconds(90), 1));
        assertEquals(Map.of(), usage.drain(T0.plusSeconds(120), 1));
    }

    @Test
    void scopesWhenLimitedThenEachDrainHandsOutThatManyClients() {
        ScopeUsage usage = new ScopeUsage(HOUR);
        for (String id : List.of("a", "b", "c")) {
            usage.used(TestClients.client(id).grant(JOBS, "jobs:read").build(), JOBS, ScopeSet.parse("jobs:read"), T0);
        }
        assertEquals(List.of("a", "b"), usage.drain(T0.plusSeconds(30), 2).stream().map(Use::clientId).toList());
        assertEquals(List.of("c"), usage.drain(T0.plusSeconds(60), 2).stream().map(Use::clientId).toList());
    }
}
