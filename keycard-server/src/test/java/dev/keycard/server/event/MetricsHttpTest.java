package dev.keycard.server.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} on a real Keycard over loopback. */
class MetricsHttpTest {

    private static final String REPORTS = "https://reports.metrics.test";
    private static final String EDGE = "https://edge.metrics.test";

    @TempDir
    static Path dir;

    static TestServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Map.of("metrics.enabled", "true"));
        http = new Http(server.baseUri());
        http.createApi(REPORTS, "RS256", "reports:read");
        http.createApi(EDGE, "ES256", "edge:call");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void metricsWhenThreeTokensIssuedThenIssuedCounterIsThreeForThatApiAndAlg() {
        String secret = http.createClient("edge-caller", EDGE, "edge:call").getString("client_secret");
        for (int i = 0; i < 3; i++) {
            http.accessToken("edge-caller", secret, "grant_type", "client_credentials", "resource", EDGE);
        }

        Scrape scrape = scrape();

        assertEquals(3.0, scrape.value("keycard_tokens_issued_total", Map.of("api", EDGE, "alg", "ES256")));
        assertEquals(0.0, scrape.value("keycard_tokens_issued_total", Map.of("api", EDGE, "alg", "RS256")));
        assertTrue(scrape.value("keycard_token_issue_seconds_count", Map.of("alg", "ES256")) >= 3.0);
        assertTrue(scrape.value("keycard_token_issue_seconds_bucket", Map.of("alg", "ES256", "le", "+Inf")) >= 3.0,
                "the issue time is a histogram");
    }

    @Test
    void metricsWhenTokenRequestRefusedThenCountedUnderItsErrorCode() {
        String secret = http.createClient("reports-reader", REPORTS, "reports:read").getString("client_secret");
        Scrape before = scrape();

        assertEquals(400, http.token("reports-reader", secret, "grant_type", "client_credentials",
                "resource", REPORTS, "scope", "reports:write").statusCode());
        assertEquals(401, http.token("reports-reader", "kcs_not-the-secret", "grant_type", "client_credentials")
                .statusCode());
        assertEquals(401, http.token("nobody-at-all", "kcs_not-the-secret", "grant_type", "client_credentials")
                .statusCode());

        Scrape after = scrape();
        assertEquals(1.0, delta(before, after, "keycard_token_requests_refused_total", Map.of("error", "invalid_scope")));
        assertEquals(2.0, delta(before, after, "keycard_token_requests_refused_total", Map.of("error", "invalid_client")));
    }

    @Test
    void metricsWhenScrapedThenPrometheusTextWithKeyGaugesAndJvmBasics() {
        HttpResponse<String> r = http.get("/metrics");

        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
        Scrape scrape = Scrape.parse(r.body());
        assertTrue(scrape.value("keycard_signing_keys", Map.of("status", "current")) >= 2.0,
                "RS256 and ES256 keys sign: " + r.body());
        assertEquals(0.0, scrape.value("keycard_signing_keys", Map.of("status", "next")));
        assertEquals(0.0, scrape.value("keycard_audit_dropped_total", Map.of()));
        assertTrue(scrape.has("keycard_audit_dropped_total"));
        for (String jvm : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds",
                "jvm_classes_loaded_classes"}) {
            assertTrue(scrape.has(jvm), jvm + " missing");
        }
        assertTrue(r.body().contains("# HELP keycard_tokens_issued_total"), "counters are described");
    }

    @Test
    void metricsWhenOpenMetricsAskedThenOpenMetricsFormat() {
        HttpResponse<String> r = http.send(http.request("/metrics").header("Accept",
                "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1").GET());

        assertEquals(200, r.statusCode());
        assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8",
                r.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(r.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
    }

    @Test
    void metricsWhenNotGetThen405WithAllow() {
        HttpResponse<String> r = http.send(http.request("/metrics").POST(HttpRequest.BodyPublishers.noBody()));

        assertEquals(405, r.statusCode());
        assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void introspectWhenAnsweredThenCountedByActive() {
        String secret = http.createClient("self-inspector", REPORTS, "reports:read").getString("client_secret");
        String token = http.accessToken("self-inspector", secret, "grant_type", "client_credentials");
        Scrape before = scrape();

        assertEquals(200, introspect("self-inspector", secret, token).statusCode());
        assertEquals(200, introspect("self-inspector", secret, "not-a-token").statusCode());
        assertEquals(200, introspect("self-inspector", secret, "still-not-a-token").statusCode());

        Scrape after = scrape();
        assertEquals(1.0, delta(before, after, "keycard_introspections_total", Map.of("active", "true")));
        assertEquals(2.0, delta(before, after, "keycard_introspections_total", Map.of("active", "false")));
    }

    @Test
    void metricsWhenDisabledThen404(@TempDir Path other) {
        try (TestServer off = TestServer.start(other, Map.of("metrics.enabled", "false"))) {
            HttpResponse<String> r = new Http(off.baseUri()).get("/metrics");

            assertEquals(404, r.statusCode());
            assertEquals("urn:keycard:problem:not-found", new JsonObject(r.body()).getString("type"));
        }
    }

    private static HttpResponse<String> introspect(String id, String secret, String token) {
        return http.send(http.request("/oauth2/introspect").header("Authorization", Http.basic(id, secret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("token", token))));
    }

    static Scrape scrape() {
        HttpResponse<String> r = http.get("/metrics");
        assertEquals(200, r.statusCode(), r.body());
        return Scrape.parse(r.body());
    }

    static double delta(Scrape before, Scrape after, String name, Map<String, String> labels) {
        return after.value(name, labels) - before.value(name, labels);
    }
}
