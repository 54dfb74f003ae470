package dev.keycard.server.revoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /oauth2/revoke} (RFC 7009) and {@code POST /admin/v1/clients/{id}/revoke-tokens} over
 * real loopback HTTP, each server on a clock the test moves, with introspection as the witness.
 */
class RevocationHttpTest {

    static final String JOBS = "https://jobs.internal";

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock();

    /** A server with the jobs API, a worker and another client, and a client that may introspect. */
    record Setup(TestServer server, Http http, String workerSecret, String otherSecret, String checkerSecret)
            implements AutoCloseable {

        String workerToken() {
            return http.accessToken("worker", workerSecret, "grant_type", "client_credentials");
        }

        HttpResponse<String> revoke(String id, String secret, String... params) {
            HttpRequest.Builder r = http.request("/oauth2/revoke").header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(Http.form(params)));
            if (id != null) {
                r.header("Authorization", Http.basic(id, secret));
            }
            return http.send(r);
        }

        boolean active(String token) {
            HttpResponse<String> r = http.send(http.request("/oauth2/introspect")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", Http.basic("checker", checkerSecret))
                    .POST(HttpRequest.BodyPublishers.ofString(Http.form("token", token))));
            assertEquals(200, r.statusCode(), r.body());
            return new JsonObject(r.body()).getBoolean("active");
        }

        @Override
        public void close() {
            server.close();
        }
    }

    Setup start(boolean create) {
        TestServer server = TestServer.start(dir, Map.of(), clock);
        Http http = new Http(server.baseUri());
        if (!create) {
            return new Setup(server, http, "", "", "");
        }
        http.createApi(JOBS, "RS256", "jobs:read");
        return new Setup(server, http,
                http.createClient("worker", JOBS, "jobs:read").getString("client_secret"),
                http.createClient("other", JOBS, "jobs:read").getString("client_secret"),
                http.createClient("checker", "urn:keycard:admin", "keycard:introspect").getString("client_secret"));
    }

    static void assertRevokeAnswered(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("", r.body());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("0", r.headers().firstValue("Content-Length").orElse(null));
    }

    static void assertError(HttpResponse<String> r, int status, String error) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json;charset=UTF-8", r.headers().firstValue("Content-Type").orElse(null));
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
        assertEquals(error, new JsonObject(r.body()).getString("error"), r.body());
    }

    @Test
    void revokeWhenAdminTokenRevokedThenTheAdminApiRefusesIt() {
        try (Setup s = start(false)) {
            String admin = s.http().adminToken();
            HttpResponse<String> before = s.http().send(s.http().request("/admin/v1/apis").header("Authorization", "Bearer " + admin));
            assertEquals(200, before.statusCode(), before.body());
            assertRevokeAnswered(s.revoke(TestServer.ADMIN_ID, TestServer.ADMIN_SECRET, "token", admin));
            HttpResponse<String> after = s.http().send(s.http().request("/admin/v1/apis").header("Authorization", "Bearer " + admin));
            assertEquals(401, after.statusCode(), "a revoked admin token still opened the admin API");
            assertTrue(after.headers().firstValue("WWW-Authenticate").orElseThrow().contains("invalid_token"));
            String fresh = s.http().adminToken();
            assertEquals(200, s.http().send(s.http().request("/admin/v1/apis").header("Authorization", "Bearer " + fresh))
                    .statusCode(), "a new token works");
        }
    }

    @Test
    void revokeWhenOwnTokenThen200AndIntrospectionSaysInactive() {
        try (Setup s = start(true)) {
            String token = s.workerToken();
            String untouched = s.workerToken();
            assertTrue(s.active(token));

            assertRevokeAnswered(s.revoke("worker", s.workerSecret(), "token", token));

            assertEquals(false, s.active(token));
            assertEquals(true, s.active(untouched), "only the revoked token");
            assertRevokeAnswered(s.revoke("worker", s.workerSecret(), "token", token));
        }
    }

    @Test
    void revokeWhenClientSecretPostAndUnsupportedHintThenHintIgnoredAndRevoked() {
        try (Setup s = start(true)) {
            String token = s.workerToken();

            assertRevokeAnswered(s.revoke(null, null, "token", token, "token_type_hint", "refresh_token",
                    "client_id", "worker", "client_secret", s.workerSecret()));

            assertEquals(false, s.active(token));
        }
    }

    @Test
    void revokeWhenAnotherClientsTokenThen200AndTokenStaysActive() {
        try (Setup s = start(true)) {
            String token = s.workerToken();

            assertRevokeAnswered(s.revoke("other", s.otherSecret(), "token", token));

            assertEquals(true, s.active(token));
            assertEquals(0, s.server().server().revocations().revokedTokenCount());
        }
    }

    @Test
    void revokeWhenTokenUnknownOrGarbageOrExpiredThen200AndNothingStored() {
        try (Setup s = start(true)) {
            String expired = s.workerToken();
            clock.advance(Duration.ofMinutes(15));
            for (String token : List.of("not-a-token", "a.b.c", expired)) {
                assertRevokeAnswered(s.revoke("worker", s.workerSecret(), "token", token));
            }
            assertEquals(0, s.server().server().revocations().revokedTokenCount());
        }
    }

    @Test
    void revokeWhenUnauthenticatedOrTokenMissingThenOAuthError() {
        try (Setup s = start(true)) {
            String token = s.workerToken();

            HttpResponse<String> anonymous = s.revoke(null, null, "token", token);
            assertError(anonymous, 401, "invalid_client");
            assertEquals("Basic realm=\"keycard\", charset=\"UTF-8\"",
                    anonymous.headers().firstValue("WWW-Authenticate").orElse(null));
            assertError(s.revoke("worker", "kcs_wrong", "token", token), 401, "invalid_client");
            assertError(s.revoke("worker", s.workerSecret()), 400, "invalid_request");
            assertError(s.revoke("worker", s.workerSecret(), "token", token, "token", token), 400, "invalid_request");
            HttpResponse<String> get = s.http().send(s.http().request("/oauth2/revoke").GET());
            assertError(get, 405, "invalid_request");
            assertEquals("POST", get.headers().firstValue("Allow").orElse(null));
            assertEquals(true, s.active(token), "no refused request revoked anything");
        }
    }

    @Test
    void revokeWhenServerRestartsThenRevocationsStillHold() {
        String revoked;
        String beforeClientRevocation;
        String workerSecret;
        String checkerSecret;
        try (Setup s = start(true)) {
            revoked = s.workerToken();
            assertRevokeAnswered(s.revoke("worker", s.workerSecret(), "token", revoked));
            beforeClientRevocation = s.http().accessToken("other", s.otherSecret(), "grant_type", "client_credentials");
            assertEquals(200, s.http().admin("POST", "/admin/v1/clients/other/revoke-tokens", null).statusCode());
            workerSecret = s.workerSecret();
            checkerSecret = s.checkerSecret();
        }
        clock.advance(Duration.ofSeconds(1));
        try (Setup s = start(false)) {
            Setup restarted = new Setup(s.server(), s.http(), workerSecret, "", checkerSecret);
            String fresh = restarted.workerToken();

            assertEquals(false, restarted.active(revoked));
            assertEquals(false, restarted.active(beforeClientRevocation));
            assertEquals(true, restarted.active(fresh));
        }
    }

    @Test
    void purgeWhenRevokedTokenHasExpiredThenForgottenInMemoryAndStore() {
        try (Setup s = start(true)) {
            Revocations revocations = s.server().server().revocations();
            String token = s.workerToken();
            assertRevokeAnswered(s.revoke("worker", s.workerSecret(), "token", token));
            assertEquals(0, revocations.purge(), "not before the token expires");
            assertEquals(1, revocations.revokedTokenCount());

            clock.advance(Duration.ofMinutes(15));

            assertEquals(1, revocations.purge());
            assertEquals(0, revocations.revokedTokenCount());
            assertEquals(0, revocations.purge());
            assertEquals(false, s.active(token), "expired anyway");
        }
    }

    @Test
    void revokeTokensWhenClientExistsThen200WithClientIdAndRevokedBefore() {
        try (Setup s = start(true)) {
            String before = s.workerToken();

            HttpResponse<String> r = s.http().admin("POST", "/admin/v1/clients/worker/revoke-tokens", null);

            assertEquals(200, r.statusCode(), r.body());
            assertEquals("application/json;charset=UTF-8", r.headers().firstValue("Content-Type").orElse(null));
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
            assertEquals(new JsonObject().put("client_id", "worker").put("revoked_before",
                    clock.instant().truncatedTo(ChronoUnit.MILLIS).toString()),
                    new JsonObject(r.body()));
            assertEquals(false, s.active(before));
            clock.advance(Duration.ofSeconds(1));
            String after = s.workerToken();
            assertEquals(true, s.active(after), "the client gets working tokens again");
        }
    }

    @Test
    void revokeTokensWhenClientUnknownOrBodyHasFieldsOrMethodGetThenProblem() {
        try (Setup s = start(true)) {
            HttpResponse<String> unknown = s.http().admin("POST", "/admin/v1/clients/nobody/revoke-tokens", null);
            assertEquals(404, unknown.statusCode(), unknown.body());
            assertEquals("urn:keycard:problem:not-found", new JsonObject(unknown.body()).getString("type"));

            HttpResponse<String> withBody = s.http().admin("POST", "/admin/v1/clients/worker/revoke-tokens",
                    new JsonObject().put("before", "2020-01-01T00:00:00Z"));
            assertEquals(400, withBody.statusCode(), withBody.body());
            assertEquals(Set.of("before"), Set.of(new JsonObject(withBody.body()).getJsonArray("errors")
                    .getJsonObject(0).getString("field")));

            HttpResponse<String> get = s.http().admin("GET", "/admin/v1/clients/worker/revoke-tokens", null);
            assertEquals(405, get.statusCode(), get.body());
            assertEquals("POST", get.headers().firstValue("Allow").orElse(null));

            HttpResponse<String> anonymous = s.http().send(s.http().request("/admin/v1/clients/worker/revoke-tokens")
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            assertEquals(true, s.active(s.workerToken()), "nothing was revoked");
        }
    }
}
