package dev.keycard.server.admin;

import static dev.keycard.server.admin.AdminApiTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's tokens end with it: deleting a client and creating one with the same client_id does
 * not bring its tokens back (introspection, the admin API), disabling revokes them for good, and the
 * last client that can call the admin API cannot lock everyone out.
 */
class ClientLifecycleTest {

    static final String JOBS = "https://jobs.internal";
    static final String ADMIN_API = "urn:keycard:admin";

    @TempDir
    static Path dir;
    static final MutableClock clock = new MutableClock();
    static TestServer server;
    static Http http;
    static String introspector;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Map.of(), clock);
        http = new Http(server.baseUri());
        http.createApi(JOBS, "ES256", "jobs:read");
        introspector = http.createClient("jobs-api", ADMIN_API, "keycard:introspect").getString("client_secret");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static boolean active(String token) {
        HttpResponse<String> r = http.send(http.request("/oauth2/introspect")
                .header("Authorization", Http.basic("jobs-api", introspector))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Http.form("token", token))));
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body()).getBoolean("active");
    }

    static String token(String id, String secret) {
        return http.accessToken(id, secret, "grant_type", "client_credentials");
    }

    @Test
    void introspectWhenTheClientWasDeletedAndCreatedAgainThenItsOldTokenStaysInactive() {
        String old = token("phoenix", http.createClient("phoenix", JOBS, "jobs:read").getString("client_secret"));
        assertTrue(active(old));
        clock.advance(Duration.ofSeconds(5));
        assertEquals(204, http.admin("DELETE", "/admin/v1/clients/phoenix", null).statusCode());
        assertEquals(false, active(old));
        clock.advance(Duration.ofSeconds(5));
        String secret = http.createClient("phoenix", JOBS, "jobs:read").getString("client_secret");

        assertEquals(false, active(old), "a token of the deleted client came back to life");
        assertTrue(active(token("phoenix", secret)), "the new client's own tokens are active");
    }

    @Test
    void adminApiWhenAnAdminClientWasDeletedAndCreatedAgainThenItsOldTokenIsRefused() {
        String old = http.accessToken("root2", http.createClient("root2", ADMIN_API, "keycard:admin")
                .getString("client_secret"), "grant_type", "client_credentials");
        assertEquals(200, http.admin(old, "GET", "/admin/v1/apis", null).statusCode());
        clock.advance(Duration.ofSeconds(5));
        assertEquals(204, http.admin("DELETE", "/admin/v1/clients/root2", null).statusCode());
        clock.advance(Duration.ofSeconds(5));
        String secret = http.createClient("root2", ADMIN_API, "keycard:admin").getString("client_secret");

        assertProblem(http.admin(old, "GET", "/admin/v1/apis", null), 401, "unauthorized");
        assertEquals(200, http.admin(token("root2", secret), "GET", "/admin/v1/apis", null).statusCode());
        assertEquals(204, http.admin("DELETE", "/admin/v1/clients/root2", null).statusCode());
    }

    @Test
    void disableWhenTheClientIsEnabledAgainThenTokensFromBeforeStayRevoked() {
        String secret = http.createClient("sleeper", JOBS, "jobs:read").getString("client_secret");
        String before = token("sleeper", secret);
        clock.advance(Duration.ofSeconds(5));
        assertEquals(200, http.admin("POST", "/admin/v1/clients/sleeper/disable", null).statusCode());
        assertEquals(false, active(before));
        clock.advance(Duration.ofSeconds(5));
        assertEquals(200, http.admin("POST", "/admin/v1/clients/sleeper/enable", null).statusCode());

        assertEquals(false, active(before), "re-enabling brought a token issued before the disable back");
        assertTrue(active(token("sleeper", secret)));
    }

    @Test
    void lastAdministratorWhenItWouldLockEveryoneOutThen409AndNothingChanges() {
        String admin = TestServer.ADMIN_ID;
        assertEquals(404, http.admin("GET", "/admin/v1/clients/root2", null).statusCode(), "the only admin is " + admin);
        for (List<Object> attempt : List.<List<Object>>of(
                List.of("POST", "/admin/v1/clients/" + admin + "/disable"),
                List.of("DELETE", "/admin/v1/clients/" + admin),
                List.of("DELETE", "/admin/v1/clients/" + admin + "/grants/" + ADMIN_API.replace(":", "%3A")),
                List.of("PATCH", "/admin/v1/clients/" + admin, new JsonObject().put("enabled", false)),
                List.of("PATCH", "/admin/v1/clients/" + admin, new JsonObject().put("grant_types", List.of())),
                List.of("PUT", "/admin/v1/clients/" + admin + "/grants/" + ADMIN_API.replace(":", "%3A"),
                        new JsonObject().put("scopes", List.of("keycard:introspect"))))) {
            HttpResponse<String> r = http.admin((String) attempt.get(0), (String) attempt.get(1),
                    attempt.size() > 2 ? (JsonObject) attempt.get(2) : null);
            JsonObject p = assertProblem(r, 409, "conflict");
            assertTrue(p.getString("detail").contains("last client that can call the admin API"), p.getString("detail"));
        }
        JsonObject me = new JsonObject(http.admin("GET", "/admin/v1/clients/" + admin, null).body());
        String secretId = me.getJsonArray("secrets").getJsonObject(0).getString("id");
        assertProblem(http.admin("DELETE", "/admin/v1/clients/" + admin + "/secrets/" + secretId, null), 409, "conflict");
        assertEquals(200, http.admin("GET", "/admin/v1/apis", null).statusCode(), "the admin still gets in");

        // With a second administrator, the first may step down.
        String deputy = http.createClient("deputy", ADMIN_API, "keycard:admin").getString("client_secret");
        String deputyToken = token("deputy", deputy);
        assertEquals(200, http.admin(deputyToken, "POST", "/admin/v1/clients/" + admin + "/disable", null).statusCode());
        assertProblem(http.admin(deputyToken, "POST", "/admin/v1/clients/deputy/disable", null), 409, "conflict");
        assertEquals(200, http.admin(deputyToken, "POST", "/admin/v1/clients/" + admin + "/enable", null).statusCode());
        clock.advance(Duration.ofSeconds(2)); // past the second of the disable, which revoked the admin's tokens
        assertEquals(204, http.admin("DELETE", "/admin/v1/clients/deputy", null).statusCode());
    }
}
