package dev.keycard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.client.StubServer.Response;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What is retried (network errors, 5xx, 429) and what fails at once (every other refusal). */
@Timeout(60)
class TokenSourceRetryTest {

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

    @Test
    void tokenWhenTooManyRequestsWithRetryAfterThenWaitsThatLongAndSucceeds() {
        stub.script(Response.json(429, "").header("Retry-After", "1"), Response.token("t1", 600));

        AccessToken token = TestSources.stub(stub, clock).build().token();

        assertEquals("t1", token.value());
        List<StubServer.Request> r = stub.requests();
        assertEquals(2, r.size());
        long waitedMs = (r.get(1).receivedNanos() - r.get(0).receivedNanos()) / 1_000_000;
        assertTrue(waitedMs >= 990, "waited " + waitedMs + " ms; backoff alone is 10 ms");
    }

    @Test
    void tokenWhenRetryAfterBeyondMaxBackoffThenUnavailableAtOnceWithTheDelay() {
        stub.script(Response.json(503, "").header("Retry-After", "3600"));

        TokenUnavailableException e = assertThrows(TokenUnavailableException.class,
                () -> TestSources.stub(stub, clock).build().token());

        assertEquals(1, stub.count());
        assertEquals(Duration.ofHours(1), e.retryAfter().orElseThrow());
    }

    @Test
    void tokenWhenServerErrorsThenRetriedUntilSuccess() {
        stub.script(Response.json(500, ""), Response.json(502, "<html>bad gateway</html>"), Response.token("t1", 600));

        assertEquals("t1", TestSources.stub(stub, clock).build().token().value());
        assertEquals(3, stub.count());
    }

    @Test
    void tokenWhenPortClosedThenRetriedAndUnavailableWithNetworkCause() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ClientCredentialsTokenSource tokens = TestSources.stub(stub, clock)
                .tokenEndpoint(URI.create("http://127.0.0.1:" + port + "/token")).maxAttempts(3).build();

        TokenUnavailableException e = assertThrows(TokenUnavailableException.class, tokens::token);

        assertTrue(e.getMessage().startsWith("token endpoint http://127.0.0.1:" + port + "/token (client_id svc) unavailable after 3 attempts"),
                e.getMessage());
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void tokenWhenResponseLargerThan64KiBThenNotBufferedAndUnavailable() {
        String huge = "{\"access_token\":\"" + "a".repeat(70 * 1024) + "\",\"token_type\":\"Bearer\",\"expires_in\":600}";
        stub.script(Response.json(200, huge), Response.json(200, huge), Response.json(200, huge), Response.json(200, huge));

        TokenUnavailableException e = assertThrows(TokenUnavailableException.class,
                () -> TestSources.stub(stub, clock).maxAttempts(2).build().token());

        assertInstanceOf(IOException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("larger than 65536 bytes"), e.getCause().getMessage());
    }

    @Test
    void tokenWhenInvalidClientThenFailsFastWithCodeAndDescription() {
        stub.script(Response.error(401, "invalid_client", "client authentication failed")
                .header("WWW-Authenticate", "Basic realm=\"x\""));

        TokenRequestException e = assertThrows(TokenRequestException.class, () -> TestSources.stub(stub, clock).build().token());

        assertEquals(1, stub.count());
        assertEquals(401, e.statusCode());
        assertEquals("invalid_client", e.error());
        assertEquals("client authentication failed", e.errorDescription());
        assertEquals("token request for client_id svc refused: invalid_client (client authentication failed), HTTP 401",
                e.getMessage());
    }

    @Test
    void tokenWhenInvalidScopeThenFailsFastWithCodeAndDescription() {
        stub.script(Response.error(400, "invalid_scope", "scope not granted"));

        TokenRequestException e = assertThrows(TokenRequestException.class,
                () -> TestSources.stub(stub, clock).scopes("jobs:admin").build().token());

        assertEquals(1, stub.count());
        assertEquals(400, e.statusCode());
        assertEquals("invalid_scope", e.error());
        assertEquals("scope not granted", e.errorDescription());
    }

    @Test
    void tokenWhenClientErrorWithoutOAuthBodyThenFailsFastNamingStatus() {
        stub.script(new Response(404, java.util.Map.of("Content-Type", "text/html"), "<h1>Not Found</h1>"));

        TokenRequestException e = assertThrows(TokenRequestException.class, () -> TestSources.stub(stub, clock).build().token());

        assertEquals(1, stub.count());
        assertEquals(404, e.statusCode());
        assertNull(e.error());
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
    }

    @Test
    void tokenWhenFailedFastThenNextCallAsksAgain() {
        stub.script(Response.error(400, "invalid_scope", "no"), Response.token("t1", 600));
        ClientCredentialsTokenSource tokens = TestSources.stub(stub, clock).build();

        assertThrows(TokenRequestException.class, tokens::token);
        assertEquals("t1", tokens.token().value());
        assertEquals(2, stub.count());
    }
}
