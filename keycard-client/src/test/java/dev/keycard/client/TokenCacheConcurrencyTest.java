package dev.keycard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keycard.client.StubServer.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One refresh in flight: a thousand callers, one token request; stale serves while one refresh runs. */
@Timeout(60)
class TokenCacheConcurrencyTest {

    static final int CALLERS = 1000;

    StubServer stub;
    MutableClock clock = new MutableClock();

    @BeforeEach
    void start() throws Exception {
        stub = StubServer.start();
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    /** Answers t1, t2, … — each only once every caller is waiting, and 200 ms later still. */
    void holdUntilAllWait(CountDownLatch waiting) {
        AtomicInteger n = new AtomicInteger();
        stub.respond(r -> {
            try {
                waiting.await(20, TimeUnit.SECONDS);
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Response.token("t" + n.incrementAndGet(), 600);
        });
    }

    List<String> callConcurrently(ClientCredentialsTokenSource tokens, CountDownLatch waiting) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                results.add(threads.submit(() -> {
                    go.await();
                    waiting.countDown();
                    return tokens.token().value();
                }));
            }
            go.countDown();
            List<String> values = new ArrayList<>();
            for (Future<String> f : results) {
                values.add(f.get());
            }
            return values;
        }
    }

    @Test
    void tokenWhenThousandCallersOnEmptyCacheThenOneRequestAndOneToken() throws Exception {
        CountDownLatch waiting = new CountDownLatch(CALLERS);
        holdUntilAllWait(waiting);
        ClientCredentialsTokenSource tokens = TestSources.stub(stub, clock).build();

        List<String> values = callConcurrently(tokens, waiting);

        assertEquals(1, stub.count());
        assertEquals(CALLERS, values.size());
        assertEquals(Set.of("t1"), Set.copyOf(values));
    }

    @Test
    void tokenWhenThousandCallersOnExpiredCacheThenOneRequestAndOneNewToken() throws Exception {
        stub.script(Response.token("t1", 600));
        ClientCredentialsTokenSource tokens = TestSources.stub(stub, clock).build();
        assertEquals("t1", tokens.token().value());
        clock.advance(Duration.ofSeconds(600));
        CountDownLatch waiting = new CountDownLatch(CALLERS);
        AtomicInteger n = new AtomicInteger(1);
        stub.respond(r -> {
            try {
                waiting.await(20, TimeUnit.SECONDS);
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Response.token("t" + n.incrementAndGet(), 600);
        });

        List<String> values = callConcurrently(tokens, waiting);

        assertEquals(2, stub.count());
        assertEquals(Set.of("t2"), Set.copyOf(values));
    }

    @Test
    void tokenWhenStaleThenOneBackgroundRefreshWhileOldTokenServed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger n = new AtomicInteger();
        stub.respond(r -> {
            int i = n.incrementAndGet();
            if (i > 1) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Response.token("t" + i, 600);
        });
        ClientCredentialsTokenSource tokens = TestSources.stub(stub, clock).build();
        assertEquals("t1", tokens.token().value());
        // 600 s lifetime, no jitter: stale in the last max(60, 120) = 120 s.
        clock.advance(Duration.ofSeconds(479));
        assertEquals("t1", tokens.token().value());
        assertEquals(1, stub.count(), "still fresh one second before the stale window");
        clock.advance(Duration.ofSeconds(2));

        Set<String> served = ConcurrentHashMap.newKeySet();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                threads.submit(() -> served.add(tokens.token().value()));
            }
        }
        // The refresh is still held by the server: every call above was served without waiting.
        assertEquals(Set.of("t1"), served);
        Await.until("the background refresh reaches the server", () -> stub.count() == 2);
        assertEquals("t1", tokens.token().value());

        release.countDown();
        Await.until("the refreshed token is served", () -> tokens.token().value().equals("t2"));
        assertEquals(2, stub.count());
    }

    @Test
    void tokenWhenJitterDrawnHighThenStaleEarlier() throws Exception {
        // 1000 s lifetime: the window is 200 s, plus up to 100 s of jitter.
        stub.respond(r -> Response.token("t" + stub.count(), 1000));
        ClientCredentialsTokenSource low = TestSources.stub(stub, clock).random(() -> 0L).build();
        ClientCredentialsTokenSource high = TestSources.stub(stub, clock).random(() -> -1L).build();
        low.token();
        high.token();
        assertEquals(2, stub.count());

        clock.advance(Duration.ofSeconds(750));
        low.token();
        high.token();

        Await.until("the jittered source refreshes", () -> stub.count() == 3);
        Thread.sleep(100);
        assertEquals(3, stub.count(), "the source without jitter is still fresh at 750 s");
        clock.advance(Duration.ofSeconds(60));
        low.token();
        Await.until("the source without jitter refreshes at 810 s", () -> stub.count() == 4);
    }
}
