package dev.keycard.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code management.port}: health and metrics on a port of their own, away from the token endpoint. */
class ManagementPortTest {

    @TempDir
    static Path dir;

    static TestServer server;
    static Http main;
    static Http management;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Map.of("management.port", "0", "metrics.enabled", "true"));
        main = new Http(server.baseUri());
        management = new Http(server.managementUri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void managementPortWhenZeroThenAFreePortOtherThanTheMainOne() {
        int port = server.server().managementPort().orElseThrow();

        assertTrue(port > 0, "bound port " + port);
        assertNotEquals(server.server().port(), port);
    }

    @Test
    void healthWhenManagementPortSetThenAnsweredThere() {
        HttpResponse<String> live = management.get("/health/live");
        HttpResponse<String> ready = management.get("/health/ready");

        assertEquals(200, live.statusCode());
        assertEquals("{\"status\":\"UP\"}", live.body());
        assertEquals("no-store", live.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals(200, ready.statusCode());
        assertEquals("{\"status\":\"UP\"}", ready.body());
    }

    @Test
    void metricsWhenManagementPortSetThenScrapedThere() {
        HttpResponse<String> r = management.get("/metrics");

        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(r.body().contains("keycard_signing_keys{"), r.body());
        assertTrue(r.body().contains("jvm_memory_used_bytes"), r.body());
    }

    @Test
    void healthAndMetricsWhenManagementPortSetThen404OnMainPort() {
        for (String path : new String[] {"/health/live", "/health/ready", "/metrics"}) {
            HttpResponse<String> r = main.get(path);

            assertEquals(404, r.statusCode(), path);
            assertEquals("urn:keycard:problem:not-found", new JsonObject(r.body()).getString("type"), path);
        }
    }

    @Test
    void tokenWhenManagementPortSetThenIssuedOnMainPortOnly() {
        HttpResponse<String> onMain = main.token(TestServer.ADMIN_ID, TestServer.ADMIN_SECRET,
                "grant_type", "client_credentials");
        HttpResponse<String> onManagement = management.token(TestServer.ADMIN_ID, TestServer.ADMIN_SECRET,
                "grant_type", "client_credentials");

        assertEquals(200, onMain.statusCode(), onMain.body());
        assertEquals(404, onManagement.statusCode());
        assertEquals("urn:keycard:problem:not-found", new JsonObject(onManagement.body()).getString("type"));
        for (String path : new String[] {"/oauth2/jwks", "/.well-known/oauth-authorization-server", "/admin/v1/clients"}) {
            assertEquals(404, management.get(path).statusCode(), path);
        }
    }

    @Test
    void metricsWhenManagementPortSetAndMetricsOffThen404OnBothPortsAndHealthStillServed(@TempDir Path other) {
        try (TestServer off = TestServer.start(other, Map.of("management.port", "0"))) {
            Http offManagement = new Http(off.managementUri());

            assertEquals(404, offManagement.get("/metrics").statusCode());
            assertEquals(404, new Http(off.baseUri()).get("/metrics").statusCode());
            assertEquals(200, offManagement.get("/health/live").statusCode());
        }
    }

    @Test
    void healthWhenManagementPortNotSetThenOnMainPortAsBefore(@TempDir Path other) {
        try (TestServer plain = TestServer.start(other, Map.of("metrics.enabled", "true"))) {
            Http http = new Http(plain.baseUri());

            assertTrue(plain.server().managementPort().isEmpty());
            assertEquals(200, http.get("/health/live").statusCode());
            assertEquals(200, http.get("/health/ready").statusCode());
            assertEquals(200, http.get("/metrics").statusCode());
        }
    }
}
