package dev.keycard.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.testing.DPoPProofs;
import dev.keycard.server.testing.Eventually;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.Postgres;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private_key_jwt assertion, and a DPoP proof, are used once across the nodes of one PostgreSQL
 * store (RFC 7523 §3 item 7, RFC 9449 §11.1); a trust source and a federated identity registered on one node authenticate on the
 * other, and stop doing so there once removed.
 */
class AssertionReplayClusterTest {

    private static final String JOBS = "https://jobs.internal";
    private static final String ISSUER = "https://keycard.internal";

    @TempDir
    Path dir1;
    @TempDir
    Path dir2;
    private Postgres pg;
    private TestServer node1;
    private TestServer node2;

    @AfterEach
    void stop() {
        for (TestServer node : new TestServer[] {node2, node1}) {
            if (node != null) {
                node.close();
            }
        }
        if (pg != null) {
            pg.close();
        }
    }

    /** Two nodes on one new PostgreSQL schema, and the jobs API. */
    private void startNodes() {
        startNodes(Map.of());
    }

    /** Two nodes with these settings too. */
    private void startNodes(Map<String, String> more) {
        pg = Postgres.schema();
        Map<String, String> shared = new java.util.HashMap<>(Map.of("store.url", pg.url(),
                "master-key", Base64.getEncoder().encodeToString(new byte[32]), "issuer", ISSUER));
        shared.putAll(more);
        node1 = TestServer.start(dir1, shared);
        node2 = TestServer.start(dir2, shared);
        new Http(node1.baseUri()).createApi(JOBS, "ES256", "jobs:read");
    }

    static HttpResponse<String> token(Http http, String assertion) {
        return http.send(http.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("grant_type", "client_credentials",
                        "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                        "client_assertion", assertion))));
    }

    static String assertion(ECKey key, String clientId) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(ISSUER)
                        .expirationTime(Date.from(Instant.now().plusSeconds(60))).jwtID(UUID.randomUUID().toString())
                        .build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void tokenWhenAnAssertionUsedOnNode1IsReplayedOnNode2ThenRefused() throws Exception {
        startNodes();
        Http h1 = new Http(node1.baseUri());
        Http h2 = new Http(node2.baseUri());
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        HttpResponse<String> created = h1.admin("POST", "/admin/v1/clients", new JsonObject()
                .put("client_id", "batch").put("name", "Batch")
                .put("jwks", new JsonObject(new JWKSet(key).toPublicJWKSet().toString()))
                .put("grants", new JsonArray().add(new JsonObject().put("api", JOBS).put("scopes", List.of("jobs:read")))));
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(Eventually.within(Duration.ofSeconds(5), () -> {
            try {
                return token(h2, assertion(key, "batch")).statusCode() == 200;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }), "node 2 did not learn of the client");

        String once = assertion(key, "batch");
        assertEquals(200, token(h1, once).statusCode());
        HttpResponse<String> replay = token(h2, once);
        assertEquals(401, replay.statusCode(), replay.body());
        assertEquals("invalid_client", new JsonObject(replay.body()).getString("error"));
    }

    @Test
    void tokenWhenATrustSourceAndIdentityAreAddedOnNode1ThenNode2AcceptsTheWorkloadAndForgetsItWhenRemoved()
            throws Exception {
        startNodes();
        Http h1 = new Http(node1.baseUri());
        Http h2 = new Http(node2.baseUri());
        try (dev.keycard.server.testing.TestIssuer cluster = new dev.keycard.server.testing.TestIssuer()) {
            assertEquals(201, h1.admin("POST", "/admin/v1/trust-sources", new JsonObject().put("kind", "kubernetes")
                    .put("issuer", cluster.url()).put("jwks", new JsonObject(cluster.jwks()))).statusCode());
            assertEquals(201, h1.admin("POST", "/admin/v1/clients", new JsonObject().put("client_id", "batch")
                    .put("name", "Batch").put("auth_methods", new JsonArray()).put("grants", new JsonArray()
                            .add(new JsonObject().put("api", JOBS).put("scopes", List.of("jobs:read"))))).statusCode());
            String subject = "system:serviceaccount:payments:batch-worker";
            HttpResponse<String> identity = h1.admin("POST", "/admin/v1/clients/batch/federated-identities",
                    new JsonObject().put("trust_source", "kubernetes").put("subject", subject));
            assertEquals(201, identity.statusCode(), identity.body());
            String token = cluster.token(subject, ISSUER, b -> b);
            assertTrue(Eventually.within(Duration.ofSeconds(5), () -> token(h2, token).statusCode() == 200),
                    "node 2 did not learn of the trust source and the identity");
            String id = new JsonObject(identity.body()).getJsonArray("federated_identities").getJsonObject(0)
                    .getString("id");
            assertEquals(204, h1.admin("DELETE", "/admin/v1/clients/batch/federated-identities/" + id, null)
                    .statusCode());
            assertTrue(Eventually.within(Duration.ofSeconds(5), () -> token(h2, token).statusCode() == 401),
                    "node 2 still accepts the removed identity");
            assertEquals(204, h1.admin("DELETE", "/admin/v1/trust-sources/kubernetes", null).statusCode());
        }
    }

    private static HttpResponse<String> dpopToken(Http http, String secret, String proof) {
        return http.send(http.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", Http.basic("worker", secret)).header("DPoP", proof)
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("grant_type", "client_credentials"))));
    }

    /**
     * DPoP: a proof spent on one node is a replay on the other (RFC 9449 §11.1), and a nonce one
     * node handed out is accepted by the other (§8), with no state shared but the master key.
     */
    @Test
    void dpopProofWhenSpentOnOneNodeThenReplayOnTheOtherAndNoncesWorkOnBoth() throws Exception {
        startNodes(Map.of("dpop.nonce-required", "true"));
        Http http1 = new Http(node1.baseUri());
        Http http2 = new Http(node2.baseUri());
        String secret = http1.createClient("worker", JOBS, "jobs:read").getString("client_secret");
        assertTrue(Eventually.within(Duration.ofSeconds(5), () -> http2.token("worker", secret,
                "grant_type", "client_credentials").statusCode() == 200), "node 2 did not learn of the client");
        ECKey key = DPoPProofs.newKey();
        String htu = ISSUER + "/oauth2/token";

        HttpResponse<String> asked = dpopToken(http1, secret, DPoPProofs.proof(key, "POST", htu));
        assertEquals(400, asked.statusCode(), asked.body());
        assertEquals("use_dpop_nonce", new JsonObject(asked.body()).getString("error"));
        String nonce = asked.headers().firstValue("DPoP-Nonce").orElseThrow();

        String proof = DPoPProofs.proof(key, DPoPProofs.signer(key), JWSAlgorithm.ES256, "POST", htu, Instant.now(),
                h -> { }, c -> c.claim("nonce", nonce));
        HttpResponse<String> first = dpopToken(http2, secret, proof); // node 1's nonce, accepted by node 2
        assertEquals(200, first.statusCode(), first.body());
        HttpResponse<String> replay = dpopToken(http1, secret, proof);
        assertEquals(400, replay.statusCode(), replay.body());
        JsonObject body = new JsonObject(replay.body());
        assertEquals("invalid_dpop_proof", body.getString("error"));
        assertTrue(body.getString("error_description").contains("jti was used before"), replay.body());
    }
}
