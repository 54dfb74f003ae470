package dev.keycard.server.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Eventually;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limits over HTTP: a client over its token rate gets 429 with Retry-After while another is
 * unaffected; failed logins slow their address and their client id down, never a real client
 * calling from elsewhere; each limit hit is counted and audited.
 */
class RateLimitHttpTest {

    static final String JOBS = "https://jobs.internal";

    @TempDir
    static Path dir;
    static final MutableClock clock = new MutableClock();
    static final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    /** The audit writes its events from a background thread: they reach the list shortly after. */
    static final Duration AUDIT_WAIT = Duration.ofSeconds(5);
    static TestServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Map.of("metrics.enabled", "true"), clock, events::addAll);
        http = new Http(server.baseUri());
        http.createApi(JOBS, "ES256", "jobs:read");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A token request from {@code source}, a loopback address of this machine (127.0.0.0/8). */
    static HttpResponse<String> tokenFrom(String source, String id, String secret) {
        try (HttpClient client = HttpClient.newBuilder().localAddress(InetAddress.getByName(source)).build()) {
            return client.send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/oauth2/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", Http.basic(id, secret))
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void assertTooMany(HttpResponse<String> r) {
        assertEquals(429, r.statusCode(), r.body());
        assertEquals("too_many_requests", new JsonObject(r.body()).getString("error"));
        long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
    }

    static double limited(String limit) {
        return MetricsHttpTestSupport.value(http, "keycard_rate_limited_total", Map.of("limit", limit));
    }

    @Test
    void tokenWhenAClientIsOverItsRateThen429WithRetryAfterAndAnotherClientIsUnaffected() throws Exception {
        JsonObject created = http.createClient("chatty", JOBS, "jobs:read");
        String chatty = created.getString("client_secret");
        assertEquals(200, http.admin("PATCH", "/admin/v1/clients/chatty", new JsonObject()
                .put("token_rate_limit", "3/m")).statusCode());
        String quiet = http.createClient("quiet", JOBS, "jobs:read").getString("client_secret");
        double before = limited("token_rate");

        for (int i = 0; i < 3; i++) {
            assertEquals(200, http.token("chatty", chatty, "grant_type", "client_credentials").statusCode());
        }
        HttpResponse<String> over = http.token("chatty", chatty, "grant_type", "client_credentials");
        assertTooMany(over);
        assertEquals("20", over.headers().firstValue("Retry-After").orElseThrow(), "a third of a minute");
        for (int i = 0; i < 10; i++) {
            assertEquals(200, http.token("quiet", quiet, "grant_type", "client_credentials").statusCode());
        }
        clock.advance(Duration.ofSeconds(20));
        assertEquals(200, http.token("chatty", chatty, "grant_type", "client_credentials").statusCode());

        assertEquals(1.0, limited("token_rate") - before);
        assertTrue(Eventually.within(AUDIT_WAIT, () -> events.stream().anyMatch(e -> e.type().equals("rate_limit.exceeded")
                && "chatty".equals(e.clientId()) && "token_rate".equals(e.details().get("limit")))), events.toString());
        assertEquals("3/m", new JsonObject(http.admin("GET", "/admin/v1/clients/chatty", null).body())
                .getString("token_rate_limit"));
    }

    @Test
    void tokenWhen50WrongSecretsFromOneAddressThenItAndTheClientIdBackOffButTheRightSecretFromElsewherePasses()
            throws Exception {
        String secret = http.createClient("victim", JOBS, "jobs:read").getString("client_secret");
        double before = limited("failed_auth_address");
        int refused = 0;
        int held = 0;
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> r = tokenFrom("127.0.0.9", "victim", "kcs_wrong-guess-" + i);
            if (r.statusCode() == 401) {
                refused++;
            } else {
                assertTooMany(r);
                held++;
            }
        }
        assertEquals(6, refused, "five failures are free, the sixth starts the back-off");
        assertEquals(44, held);
        assertTooMany(tokenFrom("127.0.0.9", "victim", secret)); // the failing address waits, whatever it sends
        assertTrue(limited("failed_auth_address") - before >= 44);

        assertEquals(200, tokenFrom("127.0.0.10", "victim", secret).statusCode(), "a clean address gets through");
        assertEquals(401, tokenFrom("127.0.0.11", "victim", "kcs_one-more-guess").statusCode());
        HttpResponse<String> slowed = tokenFrom("127.0.0.11", "victim", secret);
        assertTooMany(slowed); // the client id backs off for addresses that have failed for it
        assertTrue(Eventually.within(AUDIT_WAIT, () -> events.stream().anyMatch(e -> e.type().equals("rate_limit.exceeded")
                && "failed_auth_client".equals(e.details().get("limit")))), events.toString());

        clock.advance(Duration.ofMinutes(16)); // quiet long enough: forgotten
        assertEquals(200, tokenFrom("127.0.0.9", "victim", secret).statusCode());
    }

    @Test
    void tokenWhenClientIdsThatCannotExistThenTheyShareOneKeyAndMemoryHoldsNoneOfThem() {
        String huge = "x".repeat(3_000); // no valid client_id is over 128 characters
        for (int i = 0; i < 6; i++) { // six different ids of 3 KB each, from one address
            assertEquals(401, tokenFrom("127.0.0.20", huge + i, "kcs_x").statusCode());
        }
        assertTooMany(tokenFrom("127.0.0.20", huge + "other", "kcs_x"));
        assertEquals(401, tokenFrom("127.0.0.21", huge + "y", "kcs_x").statusCode(), "a clean address is checked");
        HttpResponse<String> r = tokenFrom("127.0.0.21", huge + "z", "kcs_x");
        assertTooMany(r); // every malformed id is the same key: its back-off reaches the address that failed for it
    }
}
