package dev.keycard.server.introspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /oauth2/introspect} over real loopback HTTP (RFC 7662, RFC 9701): what is active,
 * everything that is not, who may ask about which token, and the refusals of §2.3.
 */
class IntrospectionHttpTest {

    static final String JOBS = "https://jobs.internal";
    static final String INACTIVE = "{\"active\":false}";

    @TempDir
    static Path dir;
    static final MutableClock clock = new MutableClock();
    static TestServer server;
    static Http http;
    static String workerSecret;
    static String otherSecret;
    static String introspectorSecret;
    static final Map<String, String> algSecrets = new java.util.HashMap<>();

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Map.of(), clock);
        http = new Http(server.baseUri());
        http.createApi(JOBS, "RS256", "jobs:read", "jobs:write");
        workerSecret = http.createClient("worker", JOBS, "jobs:read", "jobs:write").getString("client_secret");
        otherSecret = http.createClient("other", JOBS, "jobs:read").getString("client_secret");
        introspectorSecret = http.createClient("jobs-api", "urn:keycard:admin", "keycard:introspect")
                .getString("client_secret");
        http.admin("PATCH", "/admin/v1/clients/jobs-api", new JsonObject().put("grant_types", List.of()));
        for (String alg : List.of("ES256", "EdDSA", "PS256")) {
            String api = "https://" + alg.toLowerCase() + ".internal";
            http.createApi(api, alg, "data:read");
            algSecrets.put(alg, http.createClient("client-" + alg, api, "data:read").getString("client_secret"));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> introspect(String id, String secret, String... params) {
        return introspectOn(http, id, secret, params);
    }

    static HttpResponse<String> introspectOn(Http on, String id, String secret, String... params) {
        HttpRequest.Builder r = on.request("/oauth2/introspect")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form(params)));
        if (id != null) {
            r.header("Authorization", Http.basic(id, secret));
        }
        return on.send(r);
    }

    /** Asked by the client holding keycard:introspect. */
    static HttpResponse<String> introspect(String token) {
        return introspect("jobs-api", introspectorSecret, "token", token);
    }

    static String workerToken() {
        return http.accessToken("worker", workerSecret, "grant_type", "client_credentials");
    }

    static void assertJson(HttpResponse<String> r, String expected) {
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json;charset=UTF-8", r.headers().firstValue("Content-Type").orElse(null));
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("no-cache", r.headers().firstValue("Pragma").orElse(null));
        assertEquals(new JsonObject(expected), new JsonObject(r.body()));
    }

    static void assertInactive(HttpResponse<String> r) {
        assertJson(r, INACTIVE);
        assertEquals(INACTIVE, r.body(), "nothing but active:false");
    }

    static void assertError(HttpResponse<String> r, int status, String error) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json;charset=UTF-8", r.headers().firstValue("Content-Type").orElse(null));
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
        assertEquals(error, new JsonObject(r.body()).getString("error"), r.body());
    }

    /** The RFC 7662 §2.2 members Keycard answers for an active token, from the token's own claims. */
    static JsonObject expectedActive(String token) throws Exception {
        JWTClaimsSet c = SignedJWT.parse(token).getJWTClaimsSet();
        return new JsonObject().put("active", true).put("scope", c.getStringClaim("scope"))
                .put("client_id", c.getStringClaim("client_id")).put("token_type", "Bearer")
                .put("exp", c.getExpirationTime().toInstant().getEpochSecond())
                .put("iat", c.getIssueTime().toInstant().getEpochSecond())
                .put("sub", c.getSubject()).put("aud", c.getAudience().get(0)).put("iss", server.issuer())
                .put("jti", c.getJWTID());
    }

    @Test
    void introspectWhenTokenFreshThenActiveWithExactMembers() throws Exception {
        String token = workerToken();

        HttpResponse<String> r = introspect(token);

        JsonObject expected = expectedActive(token);
        assertJson(r, expected.encode());
        assertEquals(Set.of("active", "scope", "client_id", "token_type", "exp", "iat", "sub", "aud", "iss", "jti"),
                new JsonObject(r.body()).fieldNames());
        assertEquals("jobs:read jobs:write", expected.getString("scope"));
        assertEquals("worker", expected.getString("sub"));
    }

    @Test
    void introspectWhenApiSignsWithAnotherAlgorithmThenActive() throws Exception {
        for (Map.Entry<String, String> e : algSecrets.entrySet()) {
            String token = http.accessToken("client-" + e.getKey(), e.getValue(), "grant_type", "client_credentials");
            assertEquals(e.getKey(), SignedJWT.parse(token).getHeader().getAlgorithm().getName());

            HttpResponse<String> r = introspect(token);

            assertJson(r, expectedActive(token).encode());
            assertEquals("https://" + e.getKey().toLowerCase() + ".internal", new JsonObject(r.body()).getString("aud"));
        }
    }

    @Test
    void introspectWhenTokenTypeHintGivenThenIgnored() throws Exception {
        String token = workerToken();

        HttpResponse<String> r = introspect("jobs-api", introspectorSecret, "token", token,
                "token_type_hint", "refresh_token");

        assertJson(r, expectedActive(token).encode());
    }

    @Test
    void introspectWhenClientAsksAboutItsOwnTokenThenActiveWithoutIntrospectScope() throws Exception {
        String token = workerToken();

        assertJson(introspect("worker", workerSecret, "token", token), expectedActive(token).encode());
    }

    @Test
    void introspectWhenCallerLacksIntrospectScopeAndTokenIsAnotherClientsThenInactive() {
        String token = workerToken();

        assertInactive(introspect("other", otherSecret, "token", token));
        assertEquals(200, introspect(token).statusCode());
        assertTrue(new JsonObject(introspect(token).body()).getBoolean("active"), "the token itself is active");
    }

    @Test
    void introspectWhenTokenExpiredThenInactive() throws Exception {
        String token = workerToken();
        clock.advance(Duration.ofSeconds(899));
        assertJson(introspect(token), expectedActive(token).encode());

        clock.advance(Duration.ofSeconds(1));

        assertInactive(introspect(token));
    }

    @Test
    void introspectWhenTokenRevokedByItsClientThenInactive() {
        String token = workerToken();
        HttpResponse<String> revoked = http.send(http.request("/oauth2/revoke")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", Http.basic("worker", workerSecret))
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("token", token))));
        assertEquals(200, revoked.statusCode(), revoked.body());

        assertInactive(introspect(token));
        assertInactive(introspect("worker", workerSecret, "token", token));
    }

    @Test
    void introspectWhenClientTokensRevokedThenEarlierTokensInactiveAndLaterActive() throws Exception {
        String otherToken = http.accessToken("other", otherSecret, "grant_type", "client_credentials");
        String before = workerToken();
        assertEquals(200, http.admin("POST", "/admin/v1/clients/worker/revoke-tokens", null).statusCode());

        assertInactive(introspect(before));
        clock.advance(Duration.ofSeconds(1));
        String after = workerToken();
        assertJson(introspect(after), expectedActive(after).encode());
        assertEquals(true, new JsonObject(introspect(otherToken).body()).getBoolean("active"),
                "another client's tokens are untouched");
    }

    @Test
    void introspectWhenTokenTamperedThenInactive() {
        String token = workerToken();
        String[] parts = token.split("\\.");
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        String widened = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims.put("scope", "jobs:read jobs:write jobs:admin").encode().getBytes(StandardCharsets.UTF_8));
        char last = parts[2].charAt(parts[2].length() - 2);

        assertInactive(introspect(parts[0] + "." + widened + "." + parts[2]));
        assertInactive(introspect(parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2)
                + (last == 'A' ? 'B' : 'A') + parts[2].charAt(parts[2].length() - 1)));
        assertInactive(introspect(parts[0] + "." + parts[1] + "."));
    }

    @Test
    void introspectWhenTokenSignedByForeignKeyWithKeycardsKidThenInactive() throws Exception {
        SignedJWT real = SignedJWT.parse(workerToken());
        RSAKey foreign = new RSAKeyGenerator(2048).keyID(real.getHeader().getKeyID()).generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt"))
                .keyID(real.getHeader().getKeyID()).build(), real.getJWTClaimsSet());
        forged.sign(new RSASSASigner(foreign));

        assertInactive(introspect(forged.serialize()));
    }

    @Test
    void introspectWhenGarbageThenInactive() {
        String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\",\"typ\":\"at+jwt\"}".getBytes(StandardCharsets.UTF_8));
        String payload = workerToken().split("\\.")[1];

        for (String garbage : List.of("not-a-token", "a.b.c", "....", unsigned + "." + payload + ".", "%00")) {
            assertInactive(introspect(garbage));
        }
    }

    @Test
    void introspectWhenSigningKeyRemovedThenInactive() throws Exception {
        String token = workerToken();
        String kid = SignedJWT.parse(token).getHeader().getKeyID();
        assertEquals(204, http.admin("DELETE", "/admin/v1/keys/" + kid, null).statusCode());

        assertInactive(introspect(token));
        String fresh = workerToken();
        assertJson(introspect(fresh), expectedActive(fresh).encode());
    }

    @Test
    void introspectWhenTokensClientDisabledOrDeletedThenInactive() {
        String secret = http.createClient("short-lived", JOBS, "jobs:read").getString("client_secret");
        String token = http.accessToken("short-lived", secret, "grant_type", "client_credentials");
        assertEquals(200, http.admin("POST", "/admin/v1/clients/short-lived/disable", null).statusCode());
        assertInactive(introspect(token));
        assertEquals(200, http.admin("POST", "/admin/v1/clients/short-lived/enable", null).statusCode());
        assertInactive(introspect(token)); // disabling revoked it: enabling does not bring it back

        assertEquals(204, http.admin("DELETE", "/admin/v1/clients/short-lived", null).statusCode());

        assertInactive(introspect(token));
    }

    @Test
    void introspectWhenCallerUnauthenticatedThen401WithBasicChallenge() {
        String token = workerToken();

        for (HttpResponse<String> r : List.of(introspect(null, null, "token", token),
                introspect("jobs-api", "kcs_wrong-secret", "token", token),
                introspect("nobody", introspectorSecret, "token", token))) {
            assertError(r, 401, "invalid_client");
            assertEquals("Basic realm=\"keycard\", charset=\"UTF-8\"", r.headers().firstValue("WWW-Authenticate").orElse(null));
        }
    }

    @Test
    void introspectWhenClientSecretPostThenAuthenticatesLikeTheTokenEndpoint() throws Exception {
        String token = workerToken();

        HttpResponse<String> r = introspect(null, null, "token", token, "client_id", "jobs-api",
                "client_secret", introspectorSecret);

        assertJson(r, expectedActive(token).encode());
    }

    @Test
    void introspectWhenTokenMissingOrRepeatedOrNotAFormThen400InvalidRequest() {
        String token = workerToken();

        assertError(introspect("jobs-api", introspectorSecret), 400, "invalid_request");
        assertError(introspect("jobs-api", introspectorSecret, "token", ""), 400, "invalid_request");
        assertError(introspect("jobs-api", introspectorSecret, "token", token, "token", token), 400, "invalid_request");
        HttpResponse<String> json = http.send(http.request("/oauth2/introspect").header("Content-Type", "application/json")
                .header("Authorization", Http.basic("jobs-api", introspectorSecret))
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}")));
        assertError(json, 400, "invalid_request");
    }

    @Test
    void introspectWhenMethodGetThen405AllowPost() {
        HttpResponse<String> r = http.send(http.request("/oauth2/introspect?token=x")
                .header("Authorization", Http.basic("jobs-api", introspectorSecret)).GET());

        assertError(r, 405, "invalid_request");
        assertEquals("POST", r.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void introspectWhenAcceptAsksForJwtThenSignedResponseVerifiesWithJwks() throws Exception {
        String token = workerToken();

        HttpResponse<String> r = http.send(http.request("/oauth2/introspect")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/token-introspection+jwt")
                .header("Authorization", Http.basic("jobs-api", introspectorSecret))
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("token", token))));

        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/token-introspection+jwt", r.headers().firstValue("Content-Type").orElse(null));
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
        SignedJWT jwt = SignedJWT.parse(r.body());
        assertEquals(new JOSEObjectType("token-introspection+jwt"), jwt.getHeader().getType());
        assertEquals(JWSAlgorithm.RS256, jwt.getHeader().getAlgorithm());
        String jwksUri = new JsonObject(http.get("/.well-known/oauth-authorization-server").body()).getString("jwks_uri");
        RSAKey key = JWKSet.parse(http.get(java.net.URI.create(jwksUri).getPath()).body())
                .getKeyByKeyId(jwt.getHeader().getKeyID()).toRSAKey();
        assertTrue(jwt.verify(new RSASSAVerifier(key)), "signed by a published key");
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertEquals(Set.of("iss", "aud", "iat", "token_introspection"), claims.getClaims().keySet());
        assertEquals(server.issuer(), claims.getIssuer());
        assertEquals(List.of("jobs-api"), claims.getAudience());
        assertEquals(clock.instant().getEpochSecond(), claims.getIssueTime().toInstant().getEpochSecond());
        assertEquals(expectedActive(token), new JsonObject(claims.getJSONObjectClaim("token_introspection")));
    }

    @Test
    void introspectWhenJwtAskedForAnInactiveTokenThenSignedActiveFalse() throws Exception {
        HttpResponse<String> r = http.send(http.request("/oauth2/introspect")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json;q=0.5, application/token-introspection+jwt")
                .header("Authorization", Http.basic("other", otherSecret))
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("token", workerToken()))));

        assertEquals(200, r.statusCode(), r.body());
        JWTClaimsSet claims = SignedJWT.parse(r.body()).getJWTClaimsSet();
        assertEquals(List.of("other"), claims.getAudience());
        assertEquals(Map.of("active", false), claims.getJSONObjectClaim("token_introspection"));
    }
}
