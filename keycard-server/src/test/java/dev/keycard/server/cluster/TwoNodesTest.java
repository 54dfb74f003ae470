package dev.keycard.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.testing.Eventually;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.Postgres;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Keycard nodes on one PostgreSQL store, as behind a load balancer: each serves from memory
 * and learns of the other's changes through LISTEN/NOTIFY. "Within 1 s" is the bound on
 * that propagation; the test polls for it.
 */
class TwoNodesTest {

    private static final String JOBS = "https://jobs.internal";
    private static final String MASTER_KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @TempDir
    Path dir1;
    @TempDir
    Path dir2;
    private Postgres pg;
    private TestServer node1;
    private TestServer node2;

    @BeforeEach
    void start() {
        pg = Postgres.schema();
        // Behind one load balancer the nodes share one issuer, as they share the store and the master key.
        Map<String, String> shared = Map.of("store.url", pg.url(), "master-key", MASTER_KEY,
                "issuer", "https://keycard.internal");
        node1 = TestServer.start(dir1, shared);
        node2 = TestServer.start(dir2, shared);
    }

    @AfterEach
    void stop() {
        if (node2 != null) {
            node2.close();
        }
        if (node1 != null) {
            node1.close();
        }
        pg.close();
    }

    @Test
    void tokenWhenClientCreatedThroughNode1ThenNode2IssuesWithin1s() throws Exception {
        Http h1 = new Http(node1.baseUri());
        Http h2 = new Http(node2.baseUri());
        h1.createApi(JOBS, "ES256", "jobs:read");
        JsonObject client = h1.createClient("batch-worker", JOBS, "jobs:read");
        String secret = client.getString("client_secret");
        assertTrue(Eventually.within(Duration.ofSeconds(1), () -> h2.token("batch-worker", secret, "grant_type", "client_credentials").statusCode() == 200),
                "node 2 did not learn of the client within 1 s");
        String token = h2.accessToken("batch-worker", secret, "grant_type", "client_credentials");
        assertEquals("ES256", SignedJWT.parse(token).getHeader().getAlgorithm().getName(),
                "node 2 also learnt the API's algorithm and has its key");
    }

    @Test
    void keysWhenRotatedThroughNode1ThenBothNodesPublishAndSignWithTheSameKeys() throws Exception {
        Http h1 = new Http(node1.baseUri());
        Http h2 = new Http(node2.baseUri());
        assertEquals(SignedJWT.parse(h1.adminToken()).getHeader().getKeyID(),
                SignedJWT.parse(h2.adminToken()).getHeader().getKeyID(), "both nodes sign with the same current key");

        HttpResponse<String> rotated = h1.admin("POST", "/admin/v1/keys/rotate", new JsonObject());
        assertEquals(200, rotated.statusCode(), rotated.body());
        String next = new JsonObject(rotated.body()).getJsonArray("items").getJsonObject(0).getString("kid");
        assertTrue(Eventually.within(Duration.ofSeconds(1), () -> jwks(h2).contains(next)), "node 2 did not publish the new key within 1 s");
        assertEquals(jwks(h1), jwks(h2));
    }

    @Test
    void apiWhenDeletedThroughNode2ThenNode1StopsIssuingWithin1s() throws Exception {
        Http h1 = new Http(node1.baseUri());
        Http h2 = new Http(node2.baseUri());
        h1.createApi(JOBS, "RS256", "jobs:read");
        String secret = h1.createClient("batch-worker", JOBS, "jobs:read").getString("client_secret");
        assertTrue(Eventually.within(Duration.ofSeconds(1), () -> h2.token("batch-worker", secret, "grant_type", "client_credentials").statusCode() == 200));
        assertEquals(204, h2.admin("DELETE", "/admin/v1/clients/batch-worker", null).statusCode());
        assertTrue(Eventually.within(Duration.ofSeconds(1), () -> h1.token("batch-worker", secret, "grant_type", "client_credentials").statusCode() == 401),
                "node 1 still issued to a client deleted through node 2");
    }

    @Test
    void introspectWhenTokenRevokedThroughNode2ThenNode1SaysInactiveWithin1s() throws Exception {
        Http h1 = new Http(node1.baseUri());
        Http h2 = new Http(node2.baseUri());
        h1.createApi(JOBS, "RS256", "jobs:read");
        String secret = h1.createClient("batch-worker", JOBS, "jobs:read").getString("client_secret");
        String token = h1.accessToken("batch-worker", secret, "grant_type", "client_credentials");
        assertTrue(introspect(h1, secret, token).getBoolean("active"));
        assertTrue(Eventually.within(Duration.ofSeconds(1), () -> revoke(h2, secret, token) == 200 && node2.server().revocations().revokedTokenCount() == 1),
                "node 2 did not take the revocation");
        assertTrue(Eventually.within(Duration.ofSeconds(1), () -> !introspect(h1, secret, token).getBoolean("active")),
                "node 1 still says active a token revoked through node 2");
    }

    private static JsonObject introspect(Http http, String secret, String token) {
        HttpResponse<String> r = http.send(http.request("/oauth2/introspect")
                .header("Authorization", Http.basic("batch-worker", secret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Http.form("token", token))));
        return new JsonObject(r.body());
    }

    private static int revoke(Http http, String secret, String token) {
        return http.send(http.request("/oauth2/revoke")
                .header("Authorization", Http.basic("batch-worker", secret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Http.form("token", token)))).statusCode();
    }

    private static String jwks(Http http) {
        try {
            return JWKSet.parse(http.get("/oauth2/jwks").body()).getKeys().stream().map(k -> k.getKeyID()).sorted().toList()
                    .toString();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
