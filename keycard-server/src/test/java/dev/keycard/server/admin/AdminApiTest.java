package dev.keycard.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API over HTTP: its guard, its validation with RFC 9457 problems, and its use cases. */
class AdminApiTest {

    static final String JOBS = "https://jobs.internal";

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        http = new Http(server.baseUri());
        http.createApi(JOBS, "RS256", "jobs:read", "jobs:write");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonObject assertProblem(HttpResponse<String> r, int status, String type) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/problem+json;charset=UTF-8", r.headers().firstValue("Content-Type").orElse(null));
        JsonObject p = new JsonObject(r.body());
        assertEquals("urn:keycard:problem:" + type, p.getString("type"));
        assertEquals(status, p.getInteger("status"));
        assertNotNull(p.getString("title"));
        return p;
    }

    static Set<String> fields(JsonObject problem) {
        return problem.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field"))
                .collect(Collectors.toSet());
    }

    HttpResponse<String> withToken(String token, String method, String path) {
        return http.send(http.request(path).header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void adminWhenNoTokenThen401WithBearerChallenge() {
        HttpResponse<String> r = http.get("/admin/v1/apis");
        assertProblem(r, 401, "unauthorized");
        assertEquals("Bearer realm=\"keycard-admin\"", r.headers().firstValue("WWW-Authenticate").orElse(null));
    }

    @Test
    void adminWhenTokenForAnotherApiThen401InvalidToken() {
        String secret = http.createClient("other-api-client", JOBS, "jobs:read").getString("client_secret");
        String token = http.accessToken("other-api-client", secret, "grant_type", "client_credentials");
        HttpResponse<String> r = withToken(token, "GET", "/admin/v1/apis");
        assertProblem(r, 401, "unauthorized");
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElseThrow().contains("error=\"invalid_token\""));
    }

    @Test
    void adminWhenTamperedTokenThen401() {
        String token = http.adminToken();
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        assertProblem(withToken(forged, "GET", "/admin/v1/apis"), 401, "unauthorized");
    }

    @Test
    void adminWhenTokenLacksAdminScopeThen403InsufficientScope() {
        String secret = http.createClient("no-scope-admin", null).getString("client_secret");
        http.admin("PUT", "/admin/v1/clients/no-scope-admin/grants/" + Http.enc("urn:keycard:admin"),
                new JsonObject().put("scopes", List.of()));
        String token = http.accessToken("no-scope-admin", secret, "grant_type", "client_credentials");
        HttpResponse<String> r = withToken(token, "GET", "/admin/v1/apis");
        assertProblem(r, 403, "forbidden");
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElseThrow().contains("error=\"insufficient_scope\""));
    }

    @Test
    void adminWhenItsClientIsDisabledThenItsTokenStopsWorkingAtOnce() {
        String secret = http.createClient("second-admin", "urn:keycard:admin", "keycard:admin").getString("client_secret");
        String token = http.accessToken("second-admin", secret, "grant_type", "client_credentials");
        assertEquals(200, withToken(token, "GET", "/admin/v1/apis").statusCode());
        assertEquals(200, http.admin("POST", "/admin/v1/clients/second-admin/disable", null).statusCode());
        assertProblem(withToken(token, "GET", "/admin/v1/apis"), 401, "unauthorized");
    }

    @Test
    void createApiWhenFieldsInvalidThenOneProblemNamingEachField() {
        JsonObject p = assertProblem(http.admin("POST", "/admin/v1/apis", new JsonObject()
                .put("identifier", "not a uri").put("scopes", List.of("ok", "bad scope")).put("token_lifetime", 0)
                .put("signing_alg", "HS256").put("colour", "red")), 400, "validation");
        assertEquals(Set.of("identifier", "name", "scopes", "token_lifetime", "signing_alg", "colour"), fields(p));
    }

    @Test
    void createApiWhenWrongTypesThenNamedFields() {
        JsonObject p = assertProblem(http.admin("POST", "/admin/v1/apis", new JsonObject()
                .put("identifier", 7).put("name", List.of()).put("scopes", "a b").put("token_lifetime", "900")),
                400, "validation");
        assertEquals(Set.of("identifier", "name", "scopes", "token_lifetime"), fields(p));
    }

    @Test
    void createApiWhenValidThen201WithLocationAndDefaults() {
        HttpResponse<String> r = http.admin("POST", "/admin/v1/apis", new JsonObject()
                .put("identifier", "https://billing.internal/v1").put("name", "Billing"));
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("/admin/v1/apis/https%3A%2F%2Fbilling.internal%2Fv1", r.headers().firstValue("Location").orElse(null));
        JsonObject api = new JsonObject(r.body());
        assertEquals(900, api.getInteger("token_lifetime"));
        assertEquals("RS256", api.getString("signing_alg"));
        assertEquals(true, api.getBoolean("enabled"));
        assertEquals(false, api.getBoolean("built_in"));
        assertEquals(new JsonArray(), api.getJsonArray("scopes"));
        assertEquals(200, http.admin("GET", r.headers().firstValue("Location").orElseThrow(), null).statusCode());
    }

    @Test
    void createApiWhenIdentifierTakenThen409() {
        assertProblem(http.admin("POST", "/admin/v1/apis", new JsonObject().put("identifier", JOBS).put("name", "x")),
                409, "conflict");
    }

    @Test
    void deleteWhenBuiltInAdminApiThen409() {
        assertProblem(http.admin("DELETE", "/admin/v1/apis/" + Http.enc("urn:keycard:admin"), null), 409, "conflict");
    }

    @Test
    void getWhenUnknownThen404AndUnknownRouteThen404() {
        assertProblem(http.admin("GET", "/admin/v1/apis/" + Http.enc("https://nope.internal"), null), 404, "not-found");
        assertProblem(http.admin("GET", "/admin/v1/clients/nope", null), 404, "not-found");
        assertProblem(http.admin("GET", "/admin/v1/widgets", null), 404, "not-found");
    }

    @Test
    void methodWhenNotOfferedThen405WithAllow() {
        HttpResponse<String> r = http.admin("PATCH", "/admin/v1/apis", new JsonObject());
        assertProblem(r, 405, "method-not-allowed");
        assertEquals("GET, POST", r.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void bodyWhenNotJsonThen400AndWrongTypeThen415AndTooLargeThen413() {
        String token = http.adminToken();
        HttpRequest.Builder notJson = http.request("/admin/v1/apis").header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{nope"));
        assertProblem(http.send(notJson), 400, "malformed");
        HttpRequest.Builder array = http.request("/admin/v1/apis").header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("[1,2]"));
        assertProblem(http.send(array), 400, "malformed");
        HttpRequest.Builder form = http.request("/admin/v1/apis").header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("a=b"));
        assertProblem(http.send(form), 415, "unsupported-media-type");
        HttpRequest.Builder huge = http.request("/admin/v1/apis").header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + "a".repeat(70_000) + "\"}"));
        assertProblem(http.send(huge), 413, "too-large");
    }

    @Test
    void createClientWhenValidThenSecretShownOnceAndNeverAgain() {
        JsonObject created = http.createClient("shown-once", JOBS, "jobs:read");
        String secret = created.getString("client_secret");
        assertTrue(secret.startsWith("kcs_") && secret.length() == 47, secret);
        HttpResponse<String> again = http.admin("GET", "/admin/v1/clients/shown-once", null);
        assertFalse(again.body().contains(secret));
        assertNull(new JsonObject(again.body()).getString("client_secret"));
        JsonObject listed = new JsonObject(http.admin("GET", "/admin/v1/clients", null).body());
        assertFalse(listed.encode().contains(secret));
        JsonObject meta = new JsonObject(again.body()).getJsonArray("secrets").getJsonObject(0);
        assertEquals(secret.substring(0, 8) + "…" + secret.substring(44), meta.getString("hint"));
        assertEquals(true, meta.getBoolean("active"));
    }

    @Test
    void createClientWhenGeneratedIdThenPrefixed() {
        HttpResponse<String> r = http.admin("POST", "/admin/v1/clients", new JsonObject().put("name", "anon"));
        assertEquals(201, r.statusCode());
        assertTrue(new JsonObject(r.body()).getString("client_id").startsWith("kc_"));
    }

    @Test
    void createClientWhenInvalidThenFieldsNamed() {
        JsonObject p = assertProblem(http.admin("POST", "/admin/v1/clients", new JsonObject()
                .put("client_id", "has space").put("auth_methods", List.of("client_secret_jwt"))
                .put("grant_types", List.of("password"))), 400, "validation");
        assertEquals(Set.of("client_id", "name", "auth_methods", "grant_types"), fields(p));
        JsonObject g = assertProblem(http.admin("POST", "/admin/v1/clients", new JsonObject().put("name", "x")
                .put("grants", List.of(new JsonObject().put("api", JOBS).put("scopes", List.of("jobs:delete"))))),
                400, "validation");
        assertEquals(Set.of("grants"), fields(g));
        JsonObject u = assertProblem(http.admin("POST", "/admin/v1/clients", new JsonObject().put("name", "x")
                .put("grants", List.of(new JsonObject().put("api", "https://nope").put("scopes", List.of())))),
                400, "validation");
        assertEquals(Set.of("grants"), fields(u));
    }

    @Test
    void rotateWhenTwoActiveThen409UntilOneIsDeleted() {
        http.createClient("rotator", JOBS, "jobs:read");
        HttpResponse<String> first = http.admin("POST", "/admin/v1/clients/rotator/secrets/rotate", new JsonObject());
        assertEquals(201, first.statusCode(), first.body());
        JsonObject rotated = new JsonObject(first.body());
        assertNotNull(rotated.getString("client_secret"));
        JsonArray secrets = new JsonObject(http.admin("GET", "/admin/v1/clients/rotator/secrets", null).body())
                .getJsonArray("items");
        assertEquals(2, secrets.size());
        JsonObject old = secrets.getJsonObject(1);
        assertNotNull(old.getString("expires_at"), "the old secret now expires");
        assertProblem(http.admin("POST", "/admin/v1/clients/rotator/secrets/rotate", new JsonObject()), 409, "conflict");
        assertEquals(204, http.admin("DELETE", "/admin/v1/clients/rotator/secrets/" + old.getString("id"), null).statusCode());
        assertEquals(201, http.admin("POST", "/admin/v1/clients/rotator/secrets/rotate",
                new JsonObject().put("grace_period", 60)).statusCode());
        assertProblem(http.admin("DELETE", "/admin/v1/clients/rotator/secrets/sec_nope", null), 404, "not-found");
    }

    @Test
    void secretWhenUsedThenLastUsedShown() {
        String secret = http.createClient("user-of-secret", JOBS, "jobs:read").getString("client_secret");
        http.accessToken("user-of-secret", secret, "grant_type", "client_credentials");
        JsonObject meta = new JsonObject(http.admin("GET", "/admin/v1/clients/user-of-secret/secrets", null).body())
                .getJsonArray("items").getJsonObject(0);
        assertNotNull(meta.getString("last_used_at"));
    }

    @Test
    void apiWhenScopeRemovedThenGrantsLoseIt() {
        http.createApi("https://shrink.internal", "RS256", "a", "b");
        http.createClient("shrinker", "https://shrink.internal", "a", "b");
        HttpResponse<String> r = http.admin("PATCH", "/admin/v1/apis/" + Http.enc("https://shrink.internal"),
                new JsonObject().put("scopes", List.of("a")));
        assertEquals(200, r.statusCode(), r.body());
        JsonObject client = new JsonObject(http.admin("GET", "/admin/v1/clients/shrinker", null).body());
        assertEquals(List.of("a"), client.getJsonArray("grants").getJsonObject(0).getJsonArray("scopes").getList());
    }

    @Test
    void apiWhenAlgorithmChangedThenNextTokensUseANewKeyOfIt() throws Exception {
        http.createApi("https://switch.internal", "RS256", "s");
        String secret = http.createClient("switcher", "https://switch.internal", "s").getString("client_secret");
        assertEquals(200, http.admin("PATCH", "/admin/v1/apis/" + Http.enc("https://switch.internal"),
                new JsonObject().put("signing_alg", "EdDSA")).statusCode());
        String token = http.accessToken("switcher", secret, "grant_type", "client_credentials");
        assertEquals("EdDSA", SignedJWT.parse(token).getHeader().getAlgorithm().getName());
    }

    @Test
    void apiWhenDisabledThenNoTokensForIt() {
        http.createApi("https://off.internal", "ES256", "o");
        String secret = http.createClient("off-client", "https://off.internal", "o").getString("client_secret");
        http.admin("PATCH", "/admin/v1/apis/" + Http.enc("https://off.internal"), new JsonObject().put("enabled", false));
        HttpResponse<String> r = http.token("off-client", secret, "grant_type", "client_credentials");
        assertEquals(400, r.statusCode());
        assertEquals("invalid_target", new JsonObject(r.body()).getString("error"));
    }

    @Test
    void clientWhenDeletedThenItsCredentialsFail() {
        String secret = http.createClient("doomed", JOBS, "jobs:read").getString("client_secret");
        assertEquals(204, http.admin("DELETE", "/admin/v1/clients/doomed", null).statusCode());
        assertEquals(401, http.token("doomed", secret, "grant_type", "client_credentials").statusCode());
        assertProblem(http.admin("DELETE", "/admin/v1/clients/doomed", null), 404, "not-found");
    }

    @Test
    void grantWhenRemovedThenTokenRefusedAndRemovingAgainIs404() {
        String secret = http.createClient("granted", JOBS, "jobs:read").getString("client_secret");
        String path = "/admin/v1/clients/granted/grants/" + Http.enc(JOBS);
        assertEquals(204, http.admin("DELETE", path, null).statusCode());
        assertEquals(400, http.token("granted", secret, "grant_type", "client_credentials").statusCode());
        assertProblem(http.admin("DELETE", path, null), 404, "not-found");
        assertProblem(http.admin("PUT", path, new JsonObject()), 400, "validation");
        assertEquals(200, http.admin("PUT", path, new JsonObject().put("scopes", List.of("jobs:write"))).statusCode());
        assertEquals(200, http.token("granted", secret, "grant_type", "client_credentials").statusCode());
    }

    @Test
    void listsWhenFetchedThenItemsIncludeBuiltInAdminApi() {
        JsonArray apis = new JsonObject(http.admin("GET", "/admin/v1/apis", null).body()).getJsonArray("items");
        assertTrue(apis.stream().anyMatch(a -> ((JsonObject) a).getString("identifier").equals("urn:keycard:admin")
                && ((JsonObject) a).getBoolean("built_in")));
        Map<String, Object> admin = new JsonObject(http.admin("GET", "/admin/v1/clients/keycard-admin", null).body()).getMap();
        assertEquals("urn:keycard:admin", admin.get("default_api"));
    }

    @Test
    void bodyWhenJsonNullOrNullScopesThen400NotServerError() {
        HttpRequest.Builder nullBody = http.request("/admin/v1/apis").header("Authorization", "Bearer " + http.adminToken())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("null"));
        assertProblem(http.send(nullBody), 400, "malformed");
        http.createClient("null-scopes", JOBS, "jobs:read");
        JsonObject p = assertProblem(http.admin("PUT", "/admin/v1/clients/null-scopes/grants/" + Http.enc(JOBS),
                new JsonObject().putNull("scopes")), 400, "validation");
        assertEquals(Set.of("scopes"), fields(p));
    }

    @Test
    void adminWhenGrantRemovedThenItsLiveTokenIsRefused() {
        String secret = http.createClient("ex-admin", "urn:keycard:admin", "keycard:admin").getString("client_secret");
        String token = http.accessToken("ex-admin", secret, "grant_type", "client_credentials");
        assertEquals(200, withToken(token, "GET", "/admin/v1/apis").statusCode());
        assertEquals(204, http.admin("DELETE", "/admin/v1/clients/ex-admin/grants/" + Http.enc("urn:keycard:admin"), null)
                .statusCode());
        assertProblem(withToken(token, "GET", "/admin/v1/apis"), 403, "forbidden");
    }

    @Test
    void rotateWhenOldSecretsExpiredThenTheyAreRemoved() {
        http.createClient("tidy", JOBS, "jobs:read");
        assertEquals(201, http.admin("POST", "/admin/v1/clients/tidy/secrets/rotate",
                new JsonObject().put("grace_period", 0)).statusCode());
        assertEquals(201, http.admin("POST", "/admin/v1/clients/tidy/secrets/rotate",
                new JsonObject().put("grace_period", 0)).statusCode());
        JsonArray secrets = new JsonObject(http.admin("GET", "/admin/v1/clients/tidy/secrets", null).body())
                .getJsonArray("items");
        assertEquals(2, secrets.size(), "the first, expired secret is gone: " + secrets.encode());
        assertEquals(1, secrets.stream().filter(o -> ((JsonObject) o).getBoolean("active")).count());
    }
}
