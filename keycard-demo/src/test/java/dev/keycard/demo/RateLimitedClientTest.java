package dev.keycard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.keycard.client.AccessToken;
import dev.keycard.client.ClientCredentialsTokenSource;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keycard-client honours Keycard's 429: a client over its token rate waits for the
 * {@code Retry-After} Keycard names and gets its token, instead of failing or hammering.
 */
class RateLimitedClientTest {

    private static final String JOBS = "https://jobs.internal";

    @TempDir
    Path dir;

    @Test
    void tokenWhenKeycardAnswers429ThenTheClientWaitsRetryAfterAndGetsItsToken() throws Exception {
        MutableClock clock = new MutableClock(); // Keycard's: the bucket refills only when the test says
        try (TestServer server = TestServer.start(dir, Map.of("metrics.enabled", "true"), clock)) {
            Http http = new Http(server.baseUri());
            http.createApi(JOBS, "ES256", "jobs:read");
            String secret = http.createClient("eager", JOBS, "jobs:read").getString("client_secret");
            assertEquals(200, http.admin("PATCH", "/admin/v1/clients/eager",
                    new JsonObject().put("token_rate_limit", "1/s")).statusCode());
            ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder()
                    .issuer(URI.create(server.issuer())).clientId("eager").clientSecret(secret).build();
            AccessToken first = tokens.token();
            tokens.invalidate();
            CompletableFuture<AccessToken> second = tokens.tokenAsync(); // over 1/s: 429 with Retry-After: 1

            for (int i = 0; i < 500 && limited(http) < 1; i++) {
                Thread.sleep(10);
            }
            assertEquals(1.0, limited(http), "Keycard answered 429");
            assertFalse(second.isDone(), "the client waits, it does not fail");
            clock.advance(Duration.ofSeconds(1));
            assertNotEquals(first.value(), second.get(30, TimeUnit.SECONDS).value());
        }
    }

    private static double limited(Http http) {
        String sample = http.get("/metrics").body().lines()
                .filter(l -> l.startsWith("keycard_rate_limited_total{limit=\"token_rate\"}")).findFirst().orElse("- 0");
        return Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
    }
}
