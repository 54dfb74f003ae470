package dev.keycard.server.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token endpoint over real loopback HTTP: every success and refusal of RFC 6749 §4.4 and §5. */
class TokenEndpointHttpTest {

    static final String JOBS = "https://jobs.internal";
    static final String REPORTS = "https://reports.internal";

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static String workerSecret;
    static String multiSecret;
    static String postOnlySecret;
    static String colonSecret;
    static String disabledSecret;
    static String noGrantTypeSecret;
    static String expiredSecret;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        http = new Http(server.baseUri());
        http.createApi(JOBS, "RS256", "jobs:read", "jobs:write", "jobs:admin");
        http.createApi(REPORTS, "ES256", "reports:read");
        workerSecret = http.createClient("batch-worker", JOBS, "jobs:read", "jobs:write").getString("client_secret");
        multiSecret = http.createClient("multi", JOBS, "jobs:read").getString("client_secret");
        http.admin("PUT", "/admin/v1/clients/multi/grants/" + Http.enc(REPORTS),
                new JsonObject().put("scopes", List.of("reports:read")));
        postOnlySecret = http.createClient("post-only", JOBS, "jobs:read").getString("client_secret");
        http.admin("PATCH", "/admin/v1/clients/post-only",
                new JsonObject().put("auth_methods", List.of("client_secret_post")));
        colonSecret = http.createClient("team:svc", JOBS, "jobs:read").getString("client_secret");
        disabledSecret = http.createClient("disabled", JOBS, "jobs:read").getString("client_secret");
        http.admin("POST", "/admin/v1/clients/disabled/disable", null);
        noGrantTypeSecret = http.createClient("introspector", JOBS, "jobs:read").getString("client_secret");
        http.admin("PATCH", "/admin/v1/clients/introspector", new JsonObject().put("grant_types", List.of()));
        expiredSecret = http.createClient("rotated", JOBS, "jobs:read").getString("client_secret");
        http.admin("POST", "/admin/v1/clients/rotated/secrets/rotate", new JsonObject().put("grace_period", 0));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void assertError(HttpResponse<String> r, int status, String error) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json;charset=UTF-8", r.headers().firstValue("Content-Type").orElse(null));
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
        JsonObject body = new JsonObject(r.body());
        assertEquals(error, body.getString("error"), r.body());
        assertTrue(body.fieldNames().stream().allMatch(Set.of("error", "error_description")::contains), r.body());
        if (status == 401) {
            assertEquals("Basic realm=\"keycard\", charset=\"UTF-8\"", r.headers().firstValue("WWW-Authenticate").orElse(null));
        }
    }

    @Test
    void basicWhenCredentialsValidThenTokenWithExactHeadersAndBody() throws Exception {
        HttpResponse<String> r = http.token("batch-worker", workerSecret, "grant_type", "client_credentials");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json;charset=UTF-8", r.headers().firstValue("Content-Type").orElse(null));
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("no-cache", r.headers().firstValue("Pragma").orElse(null));
        JsonObject body = new JsonObject(r.body());
        assertEquals(Set.of("access_token", "token_type", "expires_in", "scope"), body.fieldNames());
        assertEquals("Bearer", body.getString("token_type"));
        assertEquals(900, body.getInteger("expires_in"));
        assertEquals("jobs:read jobs:write", body.getString("scope"));
        SignedJWT jwt = SignedJWT.parse(body.getString("access_token"));
        assertEquals(List.of(JOBS), jwt.getJWTClaimsSet().getAudience());
        assertEquals("batch-worker", jwt.getJWTClaimsSet().getSubject());
    }

    @Test
    void postWhenCredentialsInBodyThenToken() {
        HttpResponse<String> r = http.token(null, null, "grant_type", "client_credentials",
                "client_id", "post-only", "client_secret", postOnlySecret);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("jobs:read", new JsonObject(r.body()).getString("scope"));
    }

    @Test
    void basicWhenIdNeedsFormEncodingThenDecodedBeforeLookup() {
        HttpRequest.Builder req = http.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", Http.basic("team:svc", colonSecret))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"));
        assertEquals(200, http.send(req).statusCode());
    }

    @Test
    void tokenWhenLegacyPathThenSameEndpoint() {
        HttpRequest.Builder req = http.request("/oauth/token").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", Http.basic("batch-worker", workerSecret))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"));
        assertEquals(200, http.send(req).statusCode());
    }

    @Test
    void basicWhenUnknownClientThenInvalidClientWithChallenge() {
        assertError(http.token("nobody", workerSecret, "grant_type", "client_credentials"), 401, "invalid_client");
    }

    @Test
    void basicWhenWrongSecretThenInvalidClient() {
        assertError(http.token("batch-worker", multiSecret, "grant_type", "client_credentials"), 401, "invalid_client");
    }

    @Test
    void postWhenWrongSecretThenInvalidClient() {
        assertError(http.token(null, null, "grant_type", "client_credentials", "client_id", "post-only",
                "client_secret", "kcs_wrong"), 401, "invalid_client");
    }

    @Test
    void tokenWhenClientDisabledThenInvalidClient() {
        assertError(http.token("disabled", disabledSecret, "grant_type", "client_credentials"), 401, "invalid_client");
    }

    @Test
    void tokenWhenSecretExpiredThenInvalidClient() {
        assertError(http.token("rotated", expiredSecret, "grant_type", "client_credentials"), 401, "invalid_client");
    }

    @Test
    void basicWhenClientAllowsOnlyPostThenInvalidClient() {
        assertError(http.token("post-only", postOnlySecret, "grant_type", "client_credentials"), 401, "invalid_client");
    }

    @Test
    void tokenWhenNoCredentialsThenInvalidClient() {
        assertError(http.token(null, null, "grant_type", "client_credentials"), 401, "invalid_client");
        assertError(http.token(null, null, "grant_type", "client_credentials", "client_id", "batch-worker"),
                401, "invalid_client");
    }

    @Test
    void tokenWhenBasicAndPostBothUsedThenInvalidRequest() {
        assertError(http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "client_secret", workerSecret), 400, "invalid_request");
    }

    @Test
    void tokenWhenBodyClientIdDiffersFromBasicThenInvalidRequest() {
        assertError(http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "client_id", "multi"), 400, "invalid_request");
    }

    @Test
    void tokenWhenGrantTypeMissingThenInvalidRequest() {
        assertError(http.token("batch-worker", workerSecret, "scope", "jobs:read"), 400, "invalid_request");
    }

    @Test
    void tokenWhenGrantTypeUnknownThenUnsupportedGrantType() {
        assertError(http.token("batch-worker", workerSecret, "grant_type", "password"), 400, "unsupported_grant_type");
    }

    @Test
    void tokenWhenClientNotAllowedTheGrantThenUnauthorizedClient() {
        assertError(http.token("introspector", noGrantTypeSecret, "grant_type", "client_credentials"),
                400, "unauthorized_client");
    }

    @Test
    void tokenWhenParameterRepeatedThenInvalidRequest() {
        assertError(http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "scope", "jobs:read", "scope", "jobs:write"), 400, "invalid_request");
        assertError(http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "grant_type", "client_credentials"), 400, "invalid_request");
    }

    @Test
    void tokenWhenScopeSubsetThenExactlyThatScope() throws Exception {
        HttpResponse<String> r = http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "scope", "jobs:read");
        assertEquals(200, r.statusCode());
        assertEquals("jobs:read", new JsonObject(r.body()).getString("scope"));
        String token = new JsonObject(r.body()).getString("access_token");
        assertEquals("jobs:read", SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("scope"));
    }

    @Test
    void tokenWhenScopeMalformedThenInvalidScope() {
        assertError(http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "scope", "jobs:read  jobs:write"), 400, "invalid_scope");
        assertError(http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "scope", " jobs:read"), 400, "invalid_scope");
        assertError(http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "scope", "jobs\"read"), 400, "invalid_scope");
    }

    @Test
    void tokenWhenScopeUnknownThenInvalidScope() {
        assertError(http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "scope", "jobs:read jobs:delete"), 400, "invalid_scope");
    }

    @Test
    void tokenWhenScopeDefinedButNotGrantedThenInvalidScopeNotNarrowed() {
        HttpResponse<String> r = http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "scope", "jobs:read jobs:admin");
        assertError(r, 400, "invalid_scope");
        assertTrue(new JsonObject(r.body()).getString("error_description").contains("jobs:admin"));
    }

    @Test
    void tokenWhenResourceNamesGrantedApiThenAudienceIsThatApi() throws Exception {
        String token = http.accessToken("multi", multiSecret, "grant_type", "client_credentials", "resource", REPORTS);
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals(List.of(REPORTS), jwt.getJWTClaimsSet().getAudience());
        assertEquals("ES256", jwt.getHeader().getAlgorithm().getName());
        assertEquals("reports:read", jwt.getJWTClaimsSet().getStringClaim("scope"));
    }

    @Test
    void tokenWhenAudienceParameterThenSameAsResource() throws Exception {
        String token = http.accessToken("multi", multiSecret, "grant_type", "client_credentials", "audience", JOBS);
        assertEquals(List.of(JOBS), SignedJWT.parse(token).getJWTClaimsSet().getAudience());
    }

    @Test
    void tokenWhenSeveralApisGrantedAndNoneNamedThenInvalidTarget() {
        assertError(http.token("multi", multiSecret, "grant_type", "client_credentials"), 400, "invalid_target");
    }

    @Test
    void tokenWhenDefaultApiSetThenUsedWithoutResource() throws Exception {
        assertEquals(200, http.admin("PATCH", "/admin/v1/clients/multi",
                new JsonObject().put("default_api", REPORTS)).statusCode());
        try {
            String token = http.accessToken("multi", multiSecret, "grant_type", "client_credentials");
            assertEquals(List.of(REPORTS), SignedJWT.parse(token).getJWTClaimsSet().getAudience());
        } finally {
            http.admin("PATCH", "/admin/v1/clients/multi", new JsonObject().putNull("default_api"));
        }
    }

    @Test
    void tokenWhenSeveralResourcesThenInvalidTarget() {
        assertError(http.token("multi", multiSecret, "grant_type", "client_credentials",
                "resource", JOBS, "resource", REPORTS), 400, "invalid_target");
        assertError(http.token("multi", multiSecret, "grant_type", "client_credentials",
                "resource", JOBS, "audience", REPORTS), 400, "invalid_target");
    }

    @Test
    void tokenWhenResourceNotAbsoluteOrHasFragmentThenInvalidTarget() {
        assertError(http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "resource", "jobs.internal"), 400, "invalid_target");
        assertError(http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "resource", JOBS + "#x"), 400, "invalid_target");
    }

    @Test
    void tokenWhenResourceUnknownOrNotGrantedThenInvalidTarget() {
        assertError(http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "resource", "https://unknown.internal"), 400, "invalid_target");
        assertError(http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "resource", REPORTS), 400, "invalid_target");
        assertError(http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "resource", "urn:keycard:admin"), 400, "invalid_target");
    }

    @Test
    void tokenWhenGetThenMethodNotAllowed() {
        HttpResponse<String> r = http.get("/oauth2/token?grant_type=client_credentials");
        assertError(r, 405, "invalid_request");
        assertEquals("POST", r.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void tokenWhenJsonBodyThenInvalidRequest() {
        HttpRequest.Builder req = http.request("/oauth2/token").header("Content-Type", "application/json")
                .header("Authorization", Http.basic("batch-worker", workerSecret))
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}"));
        assertError(http.send(req), 400, "invalid_request");
    }

    @Test
    void tokenWhenBodyOverLimitThen413() {
        HttpRequest.Builder req = http.request("/oauth2/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&pad=" + "a".repeat(70_000)));
        HttpResponse<String> r = http.send(req);
        assertEquals(413, r.statusCode());
        assertEquals("invalid_request", new JsonObject(r.body()).getString("error"));
    }

    @Test
    void tokenWhenEmptyValueThenTreatedAsOmitted() {
        HttpResponse<String> r = http.token("batch-worker", workerSecret, "grant_type", "client_credentials",
                "scope", "", "resource", "");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("jobs:read jobs:write", new JsonObject(r.body()).getString("scope"));
    }

    @Test
    void tokenWhenRefusedThenNoTokenInBody() {
        HttpResponse<String> r = http.token("batch-worker", "kcs_wrong", "grant_type", "client_credentials");
        assertNull(new JsonObject(r.body()).getString("access_token"));
        assertFalse(r.body().contains("kcs_wrong"));
    }
}
