package dev.keycard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.client.StubServer.Response;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A server that answers 503 for a while: cached tokens carry the callers through. */
@Timeout(60)
class TokenSourceOutageTest {

    StubServer stub;
    MutableClock clock = new MutableClock();
    AtomicReference<Response> answer = new AtomicReference<>(Response.token("t1", 600));

    @BeforeEach
    void start() throws Exception {
        stub = StubServer.start();
        stub.respond(r -> answer.get());
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    @Test
    void tokenWhenServerDownInStaleWindowThenCachedTokenServedAndNewOneAfterRecovery() throws Exception {
        ClientCredentialsTokenSource tokens = TestSources.stub(stub, clock).maxAttempts(2).build();
        assertEquals("t1", tokens.token().value());
        answer.set(Response.json(503, "{\"error\":\"temporarily_unavailable\"}"));
        clock.advance(Duration.ofSeconds(500)); // 100 s left of 600: stale

        Set<String> served = ConcurrentHashMap.newKeySet();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                threads.submit(() -> served.add(tokens.token().value()));
            }
        }
        assertEquals(Set.of("t1"), served);
        Await.until("the background refresh has made both attempts", () -> stub.count() == 3);
        long until = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < until) {
            assertEquals("t1", tokens.token().value());
            Thread.sleep(5);
        }
        assertEquals(3, stub.count(), "after a failed refresh, the next waits for the back-off");

        answer.set(Response.token("t2", 600));
        clock.advance(Duration.ofSeconds(3)); // past maxBackoff (2 s), still stale, not expired
        assertEquals("t1", tokens.token().value());
        Await.until("the refreshed token is served", () -> tokens.token().value().equals("t2"));
        assertEquals(4, stub.count());
    }

    @Test
    void tokenWhenServerDownAndTokenExpiredThenUnavailableAfterAllAttempts() {
        ClientCredentialsTokenSource tokens = TestSources.stub(stub, clock).maxAttempts(3).build();
        assertEquals("t1", tokens.token().value());
        answer.set(Response.json(503, ""));
        clock.advance(Duration.ofSeconds(600));

        TokenUnavailableException e = assertThrows(TokenUnavailableException.class, tokens::token);

        assertEquals(4, stub.count());
        assertTrue(e.getMessage().contains("after 3 attempts (last: HTTP 503)"), e.getMessage());
        assertTrue(e.getMessage().contains(stub.uri("/token").toString()), e.getMessage());
    }

    @Test
    void tokenWhenExpiredBeforeExpThenRefreshedFiveSecondsEarly() {
        ClientCredentialsTokenSource tokens = TestSources.stub(stub, clock).build();
        tokens.token();
        answer.set(Response.token("t2", 600));
        clock.advance(Duration.ofSeconds(595)); // inside the 5 s margin: expired, so the caller waits

        assertEquals("t2", tokens.token().value());
        assertEquals(2, stub.count());
    }
}
