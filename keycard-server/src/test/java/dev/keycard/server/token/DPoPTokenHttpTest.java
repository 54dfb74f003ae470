package dev.keycard.server.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.testing.DPoPProofs;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DPoP at the token endpoint over HTTP (RFC 9449 §5): a proof earns a token bound to its key
 * ({@code token_type: DPoP}, {@code cnf.jkt}), shown by introspection; every check of §4.3 broken
 * alone is refused with {@code invalid_dpop_proof} and its own reason; server nonces (§8); a client
 * registered with {@code dpop_bound_access_tokens} must send a proof.
 */
class DPoPTokenHttpTest {

    static final String JOBS = "https://jobs.internal";

    @TempDir
    Path dir;
    TestServer server;
    Http http;
    String secret;
    final Map<String, String> settings = new HashMap<>();
    final ECKey key = DPoPProofs.newKey();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    void start() {
        server = TestServer.start(dir, settings);
        http = new Http(server.baseUri());
        http.createApi(JOBS, "ES256", "jobs:read");
        secret = http.createClient("worker", JOBS, "jobs:read").getString("client_secret");
    }

    String tokenUrl() {
        return server.issuer() + "/oauth2/token";
    }

    HttpResponse<String> token(String clientId, String secret, List<String> proofs) {
        HttpRequest.Builder r = http.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", Http.basic(clientId, secret))
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("grant_type", "client_credentials")));
        proofs.forEach(p -> r.header("DPoP", p));
        return http.send(r);
    }

    HttpResponse<String> token(String proof) {
        return token("worker", secret, List.of(proof));
    }

    static void assertRefused(HttpResponse<String> r, String error, String reason) {
        assertEquals(400, r.statusCode(), r.body());
        JsonObject body = new JsonObject(r.body());
        assertEquals(error, body.getString("error"), r.body());
        assertTrue(body.getString("error_description").contains(reason), reason + " in " + r.body());
    }

    @Test
    void tokenWhenProofSentThenBoundToItsKeyAndIntrospectionSaysSo() throws Exception {
        start();
        HttpResponse<String> r = token(DPoPProofs.proof(key, "POST", tokenUrl()));
        assertEquals(200, r.statusCode(), r.body());
        JsonObject body = new JsonObject(r.body());
        assertEquals("DPoP", body.getString("token_type"));
        String jkt = key.toPublicJWK().computeThumbprint().toString();
        Map<String, Object> cnf = SignedJWT.parse(body.getString("access_token")).getJWTClaimsSet().getJSONObjectClaim("cnf");
        assertEquals(Map.of("jkt", jkt), cnf);

        HttpResponse<String> introspected = http.send(http.request("/oauth2/introspect")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", Http.basic("worker", secret)) // a client may introspect its own tokens
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("token", body.getString("access_token")))));
        JsonObject answer = new JsonObject(introspected.body());
        assertEquals(true, answer.getBoolean("active"), introspected.body());
        assertEquals("DPoP", answer.getString("token_type"));
        assertEquals(jkt, answer.getJsonObject("cnf").getString("jkt"));

        JsonObject metadata = new JsonObject(http.get("/.well-known/oauth-authorization-server").body());
        assertEquals(Set.of("ES256", "PS256", "RS256", "EdDSA"),
                Set.copyOf(metadata.getJsonArray("dpop_signing_alg_values_supported").getList()));
    }

    @Test
    void tokenWhenNoProofThenBearerWithoutCnf() throws Exception {
        start();
        HttpResponse<String> r = token("worker", secret, List.of());
        assertEquals(200, r.statusCode(), r.body());
        JsonObject body = new JsonObject(r.body());
        assertEquals("Bearer", body.getString("token_type"));
        assertNull(SignedJWT.parse(body.getString("access_token")).getJWTClaimsSet().getClaim("cnf"));
    }

    record Bad(String name, Function<DPoPTokenHttpTest, List<String>> proofs, String reason) {
    }

    @Test
    void proofWhenOneCheckBrokenThenRefusedForItsOwnReason() throws Exception {
        start();
        ECKey other = DPoPProofs.newKey();
        ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
        MACSigner mac = new MACSigner(new byte[32]);
        String replayed = DPoPProofs.proof(key, "POST", tokenUrl());
        assertEquals(200, token(replayed).statusCode());
        List<Bad> table = List.of(
                new Bad("two DPoP headers", t -> List.of(t.good(), t.good()), "more than one DPoP header"),
                new Bad("not a JWT", t -> List.of("abc.def"), "not a signed JWT"),
                new Bad("typ absent", t -> List.of(t.header(h -> h.type(null))), "typ is absent"),
                new Bad("typ JWT", t -> List.of(t.header(h -> h.type(JOSEObjectType.JWT))), "expected dpop+jwt"),
                new Bad("alg HS256", t -> List.of(DPoPProofs.proof(key, mac, JWSAlgorithm.HS256, "POST", t.tokenUrl(),
                        Instant.now(), h -> { }, c -> { })), "alg HS256 is not one of"),
                new Bad("alg ES384, not in the allow-list", t -> List.of(DPoPProofs.proof(p384, DPoPProofs.signer(p384),
                        JWSAlgorithm.ES384, "POST", t.tokenUrl(), Instant.now(), h -> { }, c -> { })), "alg ES384 is not one of"),
                new Bad("crit header", t -> List.of(t.header(h -> h.criticalParams(Set.of("x")).customParam("x", 1))),
                        "critical header"),
                new Bad("no jwk", t -> List.of(t.header(h -> h.jwk(null))), "no jwk header"),
                new Bad("signed by another key", t -> List.of(DPoPProofs.proof(key, DPoPProofs.signer(other),
                        JWSAlgorithm.ES256, "POST", t.tokenUrl(), Instant.now(), h -> { }, c -> { })), "signature does not verify"),
                new Bad("no jti", t -> List.of(t.claims(c -> c.jwtID(null))), "no jti claim"),
                new Bad("jti longer than 256", t -> List.of(t.claims(c -> c.jwtID("j".repeat(257)))), "jti is longer"),
                new Bad("no htm", t -> List.of(t.claims(c -> c.claim("htm", null))), "no htm claim"),
                new Bad("htm GET", t -> List.of(t.claims(c -> c.claim("htm", "GET"))), "htm GET is not"),
                new Bad("no htu", t -> List.of(t.claims(c -> c.claim("htu", null))), "no htu claim"),
                new Bad("htu of another endpoint", t -> List.of(t.claims(c -> c.claim("htu", t.server.issuer()
                        + "/oauth2/introspect"))), "is not this request's URI"),
                new Bad("htu of another server", t -> List.of(t.claims(c -> c.claim("htu",
                        "https://elsewhere.example/oauth2/token"))), "is not this request's URI"),
                new Bad("no iat", t -> List.of(t.claims(c -> c.issueTime(null))), "no iat claim"),
                new Bad("iat 2 minutes old", t -> List.of(t.claims(c -> c.issueTime(Date.from(Instant.now().minusSeconds(120))))),
                        "older than 60 s"),
                new Bad("iat a minute ahead", t -> List.of(t.claims(c -> c.issueTime(Date.from(Instant.now().plusSeconds(60))))),
                        "iat is in the future"),
                new Bad("nonce not a string", t -> List.of(t.claims(c -> c.claim("nonce", 1))), "nonce is not a string"),
                new Bad("replayed jti", t -> List.of(replayed), "jti was used before"));
        assertTrue(table.size() >= 20);
        for (Bad bad : table) {
            HttpResponse<String> r = token("worker", secret, bad.proofs().apply(this));
            assertEquals(400, r.statusCode(), bad.name() + ": " + r.body());
            JsonObject body = new JsonObject(r.body());
            assertEquals("invalid_dpop_proof", body.getString("error"), bad.name() + ": " + r.body());
            assertTrue(body.getString("error_description").contains(bad.reason()), bad.name() + ": " + r.body());
        }
        // A stale or foreign nonce is use_dpop_nonce, even where nonces are not required, with the nonce to use.
        HttpResponse<String> stale = token(claims(c -> c.claim("nonce", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")));
        assertRefused(stale, "use_dpop_nonce", "stale or not this server's");
        assertTrue(stale.headers().firstValue("DPoP-Nonce").isPresent(), "RFC 9449 section 8: the nonce comes with the error");
    }

    String good() {
        return DPoPProofs.proof(key, "POST", tokenUrl());
    }

    String header(java.util.function.Consumer<com.nimbusds.jose.JWSHeader.Builder> header) {
        return DPoPProofs.proof(key, DPoPProofs.signer(key), JWSAlgorithm.ES256, "POST", tokenUrl(), Instant.now(), header,
                c -> { });
    }

    String claims(java.util.function.Consumer<com.nimbusds.jwt.JWTClaimsSet.Builder> claims) {
        return DPoPProofs.proof(key, DPoPProofs.signer(key), JWSAlgorithm.ES256, "POST", tokenUrl(), Instant.now(),
                h -> { }, claims);
    }

    @Test
    void nonceWhenRequiredThenFirstRequestGetsOneAndTheRetrySucceeds() {
        settings.put("dpop.nonce-required", "true");
        start();
        HttpResponse<String> first = token(good());
        assertRefused(first, "use_dpop_nonce", "a DPoP nonce is required");
        String nonce = first.headers().firstValue("DPoP-Nonce").orElseThrow();
        HttpResponse<String> retry = token(claims(c -> c.claim("nonce", nonce)));
        assertEquals(200, retry.statusCode(), retry.body());
        assertEquals("DPoP", new JsonObject(retry.body()).getString("token_type"));
        assertEquals(nonce, retry.headers().firstValue("DPoP-Nonce").orElseThrow());
        assertRefused(token(claims(c -> c.claim("nonce", nonce.substring(0, 31) + (nonce.endsWith("A") ? "B" : "A")))),
                "use_dpop_nonce", "stale or not this server's");
        // A request without DPoP is not asked for a nonce.
        HttpResponse<String> bearer = token("worker", secret, List.of());
        assertEquals(200, bearer.statusCode());
        assertFalse(bearer.headers().firstValue("DPoP-Nonce").isPresent());
    }

    @Test
    void clientWhenRegisteredDPoPBoundThenEveryRequestNeedsAProof() {
        start();
        JsonObject created = new JsonObject(http.admin("POST", "/admin/v1/clients", new JsonObject()
                .put("client_id", "bound").put("name", "Bound worker").put("dpop_bound_access_tokens", true)
                .put("grants", List.of(new JsonObject().put("api", JOBS).put("scopes", List.of("jobs:read"))))).body());
        assertEquals(true, created.getBoolean("dpop_bound_access_tokens"), created.encode());
        String boundSecret = created.getString("client_secret");
        assertRefused(token("bound", boundSecret, List.of()), "invalid_dpop_proof", "must send a DPoP proof");
        assertEquals(200, token("bound", boundSecret, List.of(good())).statusCode());

        HttpResponse<String> updated = http.admin("PATCH", "/admin/v1/clients/bound",
                new JsonObject().put("dpop_bound_access_tokens", false));
        assertEquals(200, updated.statusCode(), updated.body());
        assertEquals(false, new JsonObject(updated.body()).getBoolean("dpop_bound_access_tokens"));
        assertEquals(200, token("bound", boundSecret, List.of()).statusCode());
    }

    @Test
    void adminTokenWhenDPoPBoundThenTheAdminApiRefusesItAsABearerToken() {
        start();
        HttpRequest.Builder r = http.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", Http.basic(TestServer.ADMIN_ID, TestServer.ADMIN_SECRET)).header("DPoP", good())
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("grant_type", "client_credentials",
                        "resource", "urn:keycard:admin")));
        HttpResponse<String> issued = http.send(r);
        assertEquals(200, issued.statusCode(), issued.body());
        String bound = new JsonObject(issued.body()).getString("access_token");
        assertEquals(401, http.admin(bound, "GET", "/admin/v1/apis", null).statusCode(),
                "a copied bound admin token must not work as a bearer token");
        assertEquals(200, http.admin("GET", "/admin/v1/apis", null).statusCode(), "a bearer admin token still does");
    }

    @Test
    void proofWhenClientAuthenticationFailsThenItsJtiIsNotSpent() {
        start();
        String proof = good();
        assertEquals(401, token("worker", "wrong-secret", List.of(proof)).statusCode());
        assertEquals(200, token(proof).statusCode());
    }
}
