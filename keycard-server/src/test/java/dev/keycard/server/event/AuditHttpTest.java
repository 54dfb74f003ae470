package dev.keycard.server.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audit events and the metrics that go with them, on a real Keycard over loopback whose clock the
 * tests move. Events are collected in memory; no event may hold a secret or a token.
 */
class AuditHttpTest {

    private static final String JOBS = "https://jobs.audit.test";

    @TempDir
    static Path dir;

    static final MutableClock clock = new MutableClock();
    static final List<AuditEvent> events = new CopyOnWriteArrayList<>();
    static TestServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Map.of("metrics.enabled", "true"), clock, events::addAll);
        http = new Http(server.baseUri());
        http.createApi(JOBS, "RS256", "jobs:read");
    }

    @AfterAll
    static void stop() {
        server.close();
        for (AuditEvent e : events) {
            String json = e.toJson();
            assertFalse(json.contains("kcs_") || json.contains("eyJ"), "a secret or token in the audit: " + json);
        }
    }

    @Test
    void tokenWhenSecretInGracePeriodUsedThenCountedEveryTimeAndAuditedOncePerMinute() {
        String old = http.createClient("grace-user", JOBS, "jobs:read").getString("client_secret");
        String fresh = rotate("grace-user", 3600);
        JsonArray secrets = secrets("grace-user");
        JsonObject oldMeta = secret(secrets, true);
        assertFalse(secret(secrets, false).getBoolean("in_grace_period"), "the new secret is not in a grace period");
        assertTrue(oldMeta.getBoolean("active"));
        double before = graceUses();

        token("grace-user", old, 200);
        token("grace-user", old, 200);
        token("grace-user", fresh, 200);

        assertEquals(2.0, graceUses() - before, "every use of the old secret counts, the new one's does not");
        AuditEvent first = awaitEvent(e -> e.type().equals("secret.grace_use") && "grace-user".equals(e.clientId()));
        assertEquals(oldMeta.getString("id"), first.details().get("secret_id"));
        assertEquals(oldMeta.getString("expires_at"), first.details().get("expires_at"));
        assertEquals(0L, first.details().get("held_back"));

        clock.advance(Duration.ofSeconds(61));
        token("grace-user", old, 200);

        AuditEvent second = awaitEvent(e -> e.type().equals("secret.grace_use") && "grace-user".equals(e.clientId())
                && e != first);
        assertEquals(1L, second.details().get("held_back"), "the use held back within the minute is told");
        assertEquals(2, events("secret.grace_use", "grace-user").size());
    }

    @Test
    void tokenWhenGracePeriodEndedThenOldSecretRefusedAndAuditedAndNewSecretWorks() {
        String old = http.createClient("grace-ender", JOBS, "jobs:read").getString("client_secret");
        String fresh = rotate("grace-ender", 600);
        token("grace-ender", old, 200);
        double refusedBefore = MetricsHttpTestSupport.value(http, "keycard_token_requests_refused_total",
                Map.of("error", "invalid_client"));

        clock.advance(Duration.ofSeconds(601));

        HttpResponse<String> refused = http.token("grace-ender", old, "grant_type", "client_credentials");
        assertEquals(401, refused.statusCode());
        assertEquals("invalid_client", new JsonObject(refused.body()).getString("error"));
        token("grace-ender", fresh, 200);
        assertEquals(1.0, MetricsHttpTestSupport.value(http, "keycard_token_requests_refused_total",
                Map.of("error", "invalid_client")) - refusedBefore);
        AuditEvent failed = awaitEvent(e -> e.type().equals("client.auth_failed") && "grace-ender".equals(e.clientId()));
        assertEquals("expired_secret", failed.details().get("reason"));
        assertEquals("client_secret_basic", failed.details().get("method"));
        assertFalse(secret(secrets("grace-ender"), true).getBoolean("active"), "the old secret shows as inactive");
    }

    @Test
    void tokenWhenCredentialsFailRepeatedlyThenAuditedOncePerMinuteWithoutTheSecret() {
        for (int i = 0; i < 3; i++) {
            assertEquals(401, http.token("no-such-client", "kcs_guessed-secret-value", "grant_type",
                    "client_credentials").statusCode());
        }
        assertEquals(401, http.token("kcs_pasted-secret-as-id", "whatever", "grant_type", "client_credentials")
                .statusCode());

        AuditEvent failed = awaitEvent(e -> e.type().equals("client.auth_failed")
                && "no-such-client".equals(e.clientId()));
        assertEquals("unknown_client", failed.details().get("reason"));
        awaitEvent(e -> e.type().equals("client.auth_failed") && AuditEvent.REDACTED.equals(e.clientId()));
        assertEquals(1, events("client.auth_failed", "no-such-client").size(), "the repeats are held back");

        clock.advance(Duration.ofSeconds(61)); // the burst is followed by silence: its count still arrives
        AuditEvent summary = awaitEvent(e -> e.type().equals("client.auth_failed")
                && "no-such-client".equals(e.clientId()) && Boolean.TRUE.equals(e.details().get("summary")),
                Duration.ofSeconds(15)); // summaries are written every 5 s
        assertEquals(2L, ((Number) summary.details().get("held_back")).longValue());
    }

    @Test
    void revokeWhenTokenRevokedThenEventWithJtiAndCounted() {
        String secret = http.createClient("revoker", JOBS, "jobs:read").getString("client_secret");
        String token = http.accessToken("revoker", secret, "grant_type", "client_credentials");
        double before = MetricsHttpTestSupport.value(http, "keycard_revocations_total", Map.of("kind", "token"));

        HttpResponse<String> r = http.send(http.request("/oauth2/revoke").header("Authorization", Http.basic("revoker", secret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("token", token))));

        assertEquals(200, r.statusCode());
        AuditEvent revoked = awaitEvent(e -> e.type().equals("token.revoked") && "revoker".equals(e.clientId()));
        assertEquals(claims(token).getString("jti"), revoked.details().get("jti"));
        assertEquals(1.0, MetricsHttpTestSupport.value(http, "keycard_revocations_total", Map.of("kind", "token"))
                - before);
    }

    @Test
    void adminWhenChangeSucceedsThenAdminChangeWithPathTemplateAndAdminClient() {
        http.createClient("to-cut-off", JOBS, "jobs:read");

        assertEquals(200, http.admin("POST", "/admin/v1/clients/to-cut-off/revoke-tokens", null).statusCode());
        assertEquals(404, http.admin("POST", "/admin/v1/clients/not-there/revoke-tokens", null).statusCode());

        AuditEvent change = awaitEvent(e -> e.type().equals("admin.change")
                && "/admin/v1/clients/to-cut-off/revoke-tokens".equals(e.details().get("target")));
        assertEquals(TestServer.ADMIN_ID, change.clientId());
        assertEquals("POST", change.details().get("method"));
        assertEquals("/admin/v1/clients/{id}/revoke-tokens", change.details().get("path"));
        assertEquals(200, change.details().get("status"));
        AuditEvent revoked = awaitEvent(e -> e.type().equals("client.tokens_revoked") && "to-cut-off".equals(e.clientId()));
        assertTrue(revoked.details().containsKey("revoked_before"));
        assertTrue(events("admin.change", TestServer.ADMIN_ID).stream()
                .noneMatch(e -> e.details().get("target").toString().contains("not-there")), "a failed change is not one");
        assertTrue(events("admin.change", TestServer.ADMIN_ID).stream()
                .noneMatch(e -> e.details().get("method").equals("GET")), "reads are not audited");
    }

    @Test
    void keysWhenRotatedAndRemovedThenKeyCreatedAndKeyRemoved() {
        HttpResponse<String> rotated = http.admin("POST", "/admin/v1/keys/rotate", new JsonObject().put("alg", "RS256"));
        assertEquals(200, rotated.statusCode(), rotated.body());
        String kid = new JsonObject(rotated.body()).getJsonArray("items").getJsonObject(0).getString("kid");

        AuditEvent created = awaitEvent(e -> e.type().equals("key.created") && kid.equals(e.details().get("kid")));
        assertEquals("RS256", created.details().get("alg"));
        assertEquals(1.0, MetricsHttpTestSupport.value(http, "keycard_signing_keys", Map.of("status", "next")));

        assertEquals(204, http.admin("DELETE", "/admin/v1/keys/" + kid, null).statusCode());
        AuditEvent removed = awaitEvent(e -> e.type().equals("key.removed") && kid.equals(e.details().get("kid")));
        assertEquals("RS256", removed.details().get("alg"));
    }

    private static void token(String id, String secret, int status) {
        HttpResponse<String> r = http.token(id, secret, "grant_type", "client_credentials");
        assertEquals(status, r.statusCode(), r.body());
    }

    private static String rotate(String id, int grace) {
        HttpResponse<String> r = http.admin("POST", "/admin/v1/clients/" + id + "/secrets/rotate",
                new JsonObject().put("grace_period", grace));
        assertEquals(201, r.statusCode(), r.body());
        return new JsonObject(r.body()).getString("client_secret");
    }

    private static JsonArray secrets(String id) {
        HttpResponse<String> r = http.admin("GET", "/admin/v1/clients/" + id + "/secrets", null);
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body()).getJsonArray("items");
    }

    /** The old (replaced, with an expiry) or the new secret. */
    private static JsonObject secret(JsonArray secrets, boolean old) {
        return secrets.stream().map(JsonObject.class::cast)
                .filter(s -> (s.getValue("expires_at") != null) == old).findFirst().orElseThrow();
    }

    private static double graceUses() {
        return MetricsHttpTestSupport.value(http, "keycard_secret_grace_use_total", Map.of());
    }

    private static List<AuditEvent> events(String type, String clientId) {
        return events.stream().filter(e -> e.type().equals(type) && clientId.equals(e.clientId())).toList();
    }

    /** The first event that matches, waiting for the audit thread (it writes in the background). */
    private static AuditEvent awaitEvent(Predicate<AuditEvent> wanted) {
        return awaitEvent(wanted, Duration.ofSeconds(5));
    }

    private static AuditEvent awaitEvent(Predicate<AuditEvent> wanted, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            for (AuditEvent e : events) {
                if (wanted.test(e)) {
                    return e;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no such audit event among " + events.stream().map(AuditEvent::toJson).toList());
    }

    private static JsonObject claims(String jwt) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }
}
