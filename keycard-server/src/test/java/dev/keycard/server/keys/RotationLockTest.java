package dev.keycard.server.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.Postgres;
import dev.keycard.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On one PostgreSQL, nodes that want a key at the same moment make one: the rotation lock and the
 * re-check inside it. Two nodes start together on an empty store; then both find the rotation due
 * at the same instant.
 */
class RotationLockTest {

    @TempDir
    Path dir1;
    @TempDir
    Path dir2;

    @Test
    void startAndTickWhenTwoNodesRaceThenOneKeyIsMadeEachTime() throws Exception {
        MutableClock clock = new MutableClock();
        try (Postgres pg = Postgres.schema()) {
            Map<String, String> shared = Map.of("store.url", pg.url(), "issuer", "https://keycard.internal",
                    "master-key", Base64.getEncoder().encodeToString(new byte[32]));
            List<TestServer> nodes = race(() -> TestServer.start(dir1, shared, clock),
                    () -> TestServer.start(dir2, shared, clock));
            try {
                KeyManager a = nodes.get(0).server().keys();
                KeyManager b = nodes.get(1).server().keys();
                a.reload();
                b.reload();
                assertEquals(1, a.ring().entries().size(), "two nodes starting together made one RS256 key");
                assertEquals(kids(a), kids(b));

                clock.advance(Duration.ofDays(30));
                race(() -> {
                    a.tick();
                    return null;
                }, () -> {
                    b.tick();
                    return null;
                });
                a.reload();
                b.reload();
                assertEquals(2, a.ring().entries().size(), "both found the rotation due; one successor was made");
                assertEquals(kids(a), kids(b));
                assertEquals(KeyRing.Status.NEXT, a.ring().entries().get(1).status());
            } finally {
                nodes.forEach(TestServer::close);
            }
        }
    }

    private static List<String> kids(KeyManager keys) {
        return keys.ring().entries().stream().map(e -> e.key().kid()).toList();
    }

    @SafeVarargs
    private static <T> List<T> race(Callable<T>... work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(work.length);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> w : work) {
            futures.add(pool.submit(() -> {
                go.await();
                return w.call();
            }));
        }
        go.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get());
        }
        pool.shutdown();
        return results;
    }
}
