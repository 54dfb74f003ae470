package dev.keycard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Eventually;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.Postgres;
import dev.keycard.server.testing.TcpProxy;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL restart while tokens are issued (issue 4), simulated by a TCP proxy between one
 * node and the shared PostgreSQL: the token path serves from memory throughout, store-bound calls
 * answer 503 with {@code Retry-After}, and everything recovers on its own once the store answers.
 * A second node, connected directly, makes changes the first must hear of after reconnecting.
 */
class StoreOutageTest {

    private static final String JOBS = "https://jobs.internal";
    private static final String MASTER_KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final Pattern AUTHORITY = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?/");
    private static final Duration RECOVERY = Duration.ofSeconds(15);

    @TempDir
    Path dir1;
    @TempDir
    Path dir2;
    private Postgres pg;
    private TcpProxy proxy;
    private TestServer node;
    private TestServer other;

    @BeforeEach
    void start() {
        pg = Postgres.schema();
        Matcher m = AUTHORITY.matcher(pg.url());
        assertTrue(m.find(), "a PostgreSQL URL with host and port: " + pg.url());
        proxy = TcpProxy.to(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
        String viaProxy = m.replaceFirst("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/");
        Map<String, String> shared = Map.of("master-key", MASTER_KEY, "issuer", "https://keycard.internal");
        node = TestServer.start(dir1, with(shared, "store.url", viaProxy));
        other = TestServer.start(dir2, with(shared, "store.url", pg.url()));
    }

    @AfterEach
    void stop() {
        if (other != null) {
            other.close();
        }
        if (node != null) {
            node.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        pg.close();
    }

    @Test
    void tokensWhenStoreCutThenServedFromMemoryAndStoreCallsRecoverOnRestore() throws Exception {
        Http http = new Http(node.baseUri());
        Http direct = new Http(other.baseUri());
        http.createApi(JOBS, "ES256", "jobs:read");
        String secret = http.createClient("batch-worker", JOBS, "jobs:read").getString("client_secret");
        String quietSecret = http.createClient("quiet-worker", JOBS, "jobs:read").getString("client_secret");

        AtomicBoolean issuing = new AtomicBoolean(true);
        AtomicInteger issued = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> loops = List.of(1, 2).stream().map(i -> Thread.ofPlatform().name("issue-" + i).start(() -> {
            while (issuing.get()) {
                try {
                    HttpResponse<String> r = http.token("batch-worker", secret, "grant_type", "client_credentials");
                    if (r.statusCode() == 200) {
                        issued.incrementAndGet();
                    } else {
                        failures.add(r.statusCode() + " " + r.body());
                    }
                } catch (RuntimeException e) {
                    failures.add(e.toString());
                }
                pause(10); // a steady stream, not a load test
            }
        })).toList();
        assertTrue(Eventually.within(RECOVERY, () -> issued.get() > 0), "tokens are issued before the cut");

        proxy.cut();
        Instant cutAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        int issuedAtCut = issued.get();
        // This client's only use: its last-used time can reach the store only by a flush retried after the cut.
        http.accessToken("quiet-worker", quietSecret, "grant_type", "client_credentials");

        // Admin writes fail with a problem that says what to do and leaks nothing, whether they meet
        // a pooled connection the cut broke or wait for one that cannot be made.
        assertUnavailableProblem(http, "/admin/v1/apis", api("https://reports.internal"));
        assertUnavailableProblem(http, "/admin/v1/clients",
                new JsonObject().put("client_id", "refused").put("name", "Refused"));

        // Readiness follows the store, liveness does not.
        assertTrue(Eventually.within(RECOVERY, () -> http.get("/health/ready").statusCode() == 503), "not ready while cut");
        HttpResponse<String> ready = http.get("/health/ready");
        assertEquals("{\"status\":\"DOWN\",\"reason\":\"store does not answer\"}", ready.body());
        assertEquals(200, http.get("/health/live").statusCode());

        // Introspection reads memory; revocation must be stored first, so it is refused for now (RFC 7009 §2.2.1).
        String token = http.accessToken("batch-worker", secret, "grant_type", "client_credentials");
        HttpResponse<String> introspected = oauthForm(http, "/oauth2/introspect", secret, token);
        assertEquals(200, introspected.statusCode(), introspected.body());
        assertEquals(true, new JsonObject(introspected.body()).getBoolean("active"));
        HttpResponse<String> revoke = oauthForm(http, "/oauth2/revoke", secret, token);
        assertEquals(503, revoke.statusCode(), revoke.body());
        assertEquals("temporarily_unavailable", new JsonObject(revoke.body()).getString("error"));
        assertTrue(revoke.headers().firstValue("Retry-After").orElse("").matches("\\d+"), "Retry-After in seconds");

        // A change this node cannot hear of while cut: it must reread after reconnecting.
        String missedSecret = direct.createClient("made-while-cut", JOBS, "jobs:read").getString("client_secret");
        assertTrue(Eventually.within(RECOVERY, () -> issued.get() > issuedAtCut + 10), "tokens keep coming while cut");

        proxy.restore();

        assertTrue(Eventually.within(RECOVERY, () -> http.token("made-while-cut", missedSecret, "grant_type",
                "client_credentials").statusCode() == 200), "the change feed reconnected and reread the store");
        String laterSecret = direct.createClient("made-after", JOBS, "jobs:read").getString("client_secret");
        assertTrue(Eventually.within(RECOVERY, () -> http.token("made-after", laterSecret, "grant_type",
                "client_credentials").statusCode() == 200), "the change feed hears notifications again");
        assertTrue(Eventually.within(RECOVERY, () -> http.admin("POST", "/admin/v1/apis", api("https://reports.internal"))
                .statusCode() == 201), "admin writes succeed again");
        assertTrue(Eventually.within(RECOVERY, () -> http.get("/health/ready").statusCode() == 200), "ready again");
        HttpResponse<String> revoked = oauthForm(http, "/oauth2/revoke", secret, token);
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals(false, new JsonObject(oauthForm(http, "/oauth2/introspect", secret, token).body())
                .getBoolean("active"));
        // The use noted while cut reaches the store (flushes failed meanwhile): the other node reads it there.
        assertTrue(Eventually.within(RECOVERY, () -> !lastUsed(direct, "quiet-worker").isBefore(cutAt)),
                "secret usage noted during the cut is written after it");

        issuing.set(false);
        for (Thread t : loops) {
            t.join();
        }
        assertEquals(List.of(), List.copyOf(failures), "no token request failed");
        assertTrue(issued.get() > issuedAtCut, "tokens were issued throughout");
    }

    /** An admin POST answered 503 with an RFC 9457 problem and {@code Retry-After}, within a bound. */
    private static void assertUnavailableProblem(Http http, String path, JsonObject body) {
        long startedAt = System.nanoTime();
        HttpResponse<String> write = http.admin("POST", path, body);
        Duration took = Duration.ofNanos(System.nanoTime() - startedAt);
        assertEquals(503, write.statusCode(), write.body());
        assertEquals("application/problem+json;charset=UTF-8", write.headers().firstValue("Content-Type").orElse(""));
        assertTrue(write.headers().firstValue("Retry-After").orElse("").matches("\\d+"), "Retry-After in seconds");
        JsonObject problem = new JsonObject(write.body());
        assertEquals("urn:keycard:problem:unavailable", problem.getString("type"));
        assertEquals("Service unavailable", problem.getString("title"));
        assertEquals(503, problem.getInteger("status"));
        assertNotNull(problem.getString("detail"));
        for (String leak : List.of("jdbc", "postgresql", "Exception", "password", "\tat ")) {
            assertFalse(write.body().contains(leak), "the problem reveals nothing internal: " + write.body());
        }
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "answered within a bound, took " + took);
    }

    private static Instant lastUsed(Http http, String clientId) {
        HttpResponse<String> r = http.admin("GET", "/admin/v1/clients/" + clientId, null);
        String at = new JsonObject(r.body()).getJsonArray("secrets").getJsonObject(0).getString("last_used_at");
        return at == null ? Instant.EPOCH : Instant.parse(at);
    }

    private static HttpResponse<String> oauthForm(Http http, String path, String secret, String token) {
        return http.send(http.request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", Http.basic("batch-worker", secret))
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("token", token))));
    }

    private static JsonObject api(String identifier) {
        return new JsonObject().put("identifier", identifier).put("name", "Reports").put("scopes", List.of("r"));
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> all = new java.util.HashMap<>(base);
        all.put(key, value);
        return all;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
