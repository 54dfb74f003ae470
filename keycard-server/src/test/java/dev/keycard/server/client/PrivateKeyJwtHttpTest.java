package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.keycard.server.testing.Eventually;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * private_key_jwt over HTTP (RFC 7523 §2.2): clients registered through the admin API with inline
 * keys or a jwks_uri, assertions made by Nimbus alone, at the token, introspection and revocation
 * endpoints; single use across a restart; a jwks_uri that rotates, goes down, answers too much or
 * hangs.
 */
class PrivateKeyJwtHttpTest {

    static final String JOBS = "https://jobs.internal";
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    @TempDir
    Path dir;
    TestServer server;
    Http http;
    HttpServer keyHost;
    final Map<String, String> settings = new HashMap<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (keyHost != null) {
            keyHost.stop(0);
        }
    }

    void start() {
        server = TestServer.start(dir, settings);
        http = new Http(server.baseUri());
        if (http.admin("GET", "/admin/v1/apis/" + Http.enc(JOBS), null).statusCode() == 404) {
            http.createApi(JOBS, "ES256", "jobs:read");
        }
    }

    static ECKey ecKey(String kid) throws Exception {
        return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    }

    static String jwks(JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    JsonObject register(String id, JsonObject keys) {
        JsonObject body = new JsonObject().put("client_id", id).put("name", "Client " + id)
                .put("grants", new JsonArray().add(new JsonObject().put("api", JOBS).put("scopes", List.of("jobs:read"))));
        body.mergeIn(keys);
        HttpResponse<String> r = http.admin("POST", "/admin/v1/clients", body);
        assertEquals(201, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    JsonObject inline(JWK... keys) {
        return new JsonObject().put("jwks", new JsonObject(jwks(keys)));
    }

    String assertion(JWK key, String clientId, String audience) throws Exception {
        JWSAlgorithm alg = key instanceof RSAKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256;
        return assertion(key, alg, clientId, audience);
    }

    static String assertion(JWK key, JWSAlgorithm alg, String clientId, String audience) throws Exception {
        JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60)))
                        .jwtID(UUID.randomUUID().toString()).build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    HttpResponse<String> post(String path, String assertion, String... params) {
        String[] all = new String[params.length + 4];
        System.arraycopy(params, 0, all, 0, params.length);
        all[params.length] = "client_assertion_type";
        all[params.length + 1] = JWT_BEARER;
        all[params.length + 2] = "client_assertion";
        all[params.length + 3] = assertion;
        return http.send(http.request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Http.form(all))));
    }

    HttpResponse<String> token(String assertion, String... params) {
        String[] all = new String[params.length + 2];
        all[0] = "grant_type";
        all[1] = "client_credentials";
        System.arraycopy(params, 0, all, 2, params.length);
        return post("/oauth2/token", assertion, all);
    }

    static String error(HttpResponse<String> r) {
        return new JsonObject(r.body()).getString("error");
    }

    @Test
    void tokenWhenAClientWithInlineKeysSignsWithRs256Ps256OrEs256ThenItGetsATokenWithoutASecret() throws Exception {
        start();
        ECKey ec = ecKey("ec-1");
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        JsonObject created = register("batch", inline(ec, rsa));
        assertNull(created.getValue("client_secret"), "a client with keys gets no secret");
        assertEquals(List.of("private_key_jwt"), created.getJsonArray("auth_methods").getList());
        assertEquals(0, created.getJsonArray("secrets").size());
        for (String a : List.of(assertion(ec, JWSAlgorithm.ES256, "batch", server.issuer()),
                assertion(rsa, JWSAlgorithm.RS256, "batch", server.issuer()),
                assertion(rsa, JWSAlgorithm.PS256, "batch", server.issuer()))) {
            HttpResponse<String> r = token(a);
            assertEquals(200, r.statusCode(), r.body());
            String accessToken = new JsonObject(r.body()).getString("access_token");
            assertEquals("batch", SignedJWT.parse(accessToken).getJWTClaimsSet().getSubject());
        }
    }

    @Test
    void introspectAndRevokeWhenTheCallerAuthenticatesWithAnAssertionThenTheyAnswerIt() throws Exception {
        start();
        ECKey ec = ecKey("ec-1");
        register("batch", inline(ec));
        String accessToken = new JsonObject(token(assertion(ec, "batch", server.issuer())).body())
                .getString("access_token");
        HttpResponse<String> active = post("/oauth2/introspect", assertion(ec, "batch", server.issuer()),
                "token", accessToken);
        assertEquals(200, active.statusCode(), active.body());
        assertEquals(true, new JsonObject(active.body()).getBoolean("active"));
        HttpResponse<String> revoked = post("/oauth2/revoke", assertion(ec, "batch", server.issuer()),
                "token", accessToken);
        assertEquals(200, revoked.statusCode(), revoked.body());
        HttpResponse<String> inactive = post("/oauth2/introspect", assertion(ec, "batch", server.issuer()),
                "token", accessToken);
        assertEquals(false, new JsonObject(inactive.body()).getBoolean("active"));
    }

    @Test
    void tokenWhenTheRequestCarriesTwoMethodsOrNamesAnotherClientThenItIsRefused() throws Exception {
        start();
        ECKey ec = ecKey("ec-1");
        register("batch", inline(ec));
        JsonObject other = http.createClient("other", JOBS, "jobs:read");
        HttpResponse<String> both = token(assertion(ec, "batch", server.issuer()),
                "client_id", "other", "client_secret", other.getString("client_secret"));
        assertEquals(400, both.statusCode(), both.body());
        assertEquals("invalid_request", error(both));
        HttpResponse<String> basicToo = http.send(http.request("/oauth2/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", Http.basic("other", other.getString("client_secret")))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Http.form("grant_type", "client_credentials",
                        "client_assertion_type", JWT_BEARER, "client_assertion",
                        assertion(ec, "batch", server.issuer())))));
        assertEquals(400, basicToo.statusCode(), basicToo.body());
        HttpResponse<String> named = token(assertion(ec, "batch", server.issuer()), "client_id", "other");
        assertEquals(401, named.statusCode(), named.body());
        assertEquals("invalid_client", error(named));
        HttpResponse<String> alone = token(assertion(ec, "batch", server.issuer()), "client_id", "batch");
        assertEquals(200, alone.statusCode(), alone.body());
    }

    @Test
    void tokenWhenAnAssertionIsReplayedThenRefusedOnTheSameNodeAndAfterARestart() throws Exception {
        settings.put("issuer", "https://keycard.test"); // the restarted server keeps the audience the assertions name
        start();
        ECKey ec = ecKey("ec-1");
        register("batch", inline(ec));
        String once = assertion(ec, "batch", server.issuer());
        String later = assertion(ec, "batch", server.issuer());
        assertEquals(200, token(once).statusCode());
        HttpResponse<String> replay = token(once);
        assertEquals(401, replay.statusCode(), replay.body());
        assertEquals("invalid_client", error(replay));
        assertEquals(200, token(later).statusCode());
        server.close();
        server = null;
        start();
        assertEquals(401, token(once).statusCode(), "replayed after a restart");
        assertEquals(401, token(later).statusCode(), "replayed after a restart");
        assertEquals(200, token(assertion(ec, "batch", server.issuer())).statusCode());
    }

    /** A JWK Set served over loopback http, swappable; {@code stall} holds answers until released. */
    final AtomicReference<String> served = new AtomicReference<>();
    final CountDownLatch stall = new CountDownLatch(1);

    String hostKeys(String body) throws Exception {
        served.set(body);
        keyHost = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        keyHost.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        keyHost.createContext("/jwks", exchange -> {
            byte[] bytes = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        keyHost.createContext("/big", exchange -> {
            exchange.sendResponseHeaders(200, 10 * 1024 * 1024);
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) ' ');
                for (int i = 0; i < 160; i++) {
                    out.write(chunk);
                }
            } catch (java.io.IOException e) {
                // Keycard hung up once it had read enough: as it should
            }
        });
        keyHost.createContext("/hang", exchange -> {
            try {
                stall.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        keyHost.start();
        return "http://127.0.0.1:" + keyHost.getAddress().getPort();
    }

    @Test
    void tokenWhenTheJwksUriRotatesItsKeyThenTheNewKeyIsFollowedAndWhenItIsDownTheLastKeysAreKept()
            throws Exception {
        settings.put("client-assertion.allow-http-jwks-uri", "true");
        settings.put("client-assertion.jwks-refetch-interval", "1s");
        start();
        ECKey first = ecKey("first");
        ECKey second = ecKey("second");
        String base = hostKeys(jwks(first));
        register("batch", new JsonObject().put("jwks_uri", base + "/jwks"));
        assertEquals(200, token(assertion(first, "batch", server.issuer())).statusCode());

        served.set(jwks(second)); // the client rotates: its old key is gone, the new one is published
        assertTrue(Eventually.within(Duration.ofSeconds(10),
                () -> token(assertionUnchecked(second, "batch")).statusCode() == 200),
                "the rotated key was not followed");

        keyHost.stop(0); // the jwks_uri goes down
        keyHost = null;
        ECKey unknown = ecKey("unknown");
        HttpResponse<String> refused = token(assertion(unknown, "batch", server.issuer()));
        assertEquals(401, refused.statusCode(), "an unknown kid makes it try the dead URL, and refuses");
        assertEquals(200, token(assertion(second, "batch", server.issuer())).statusCode(),
                "the last good keys are kept while the URL is down");
    }

    String assertionUnchecked(JWK key, String clientId) {
        try {
            return assertion(key, clientId, server.issuer());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void tokenWhenOneClientsJwksUriHangsOrAnswers10MbThenOtherClientsAreServedMeanwhile() throws Exception {
        settings.put("client-assertion.allow-http-jwks-uri", "true");
        settings.put("client-assertion.jwks-timeout", "5s");
        start();
        String base = hostKeys("{}");
        ECKey slowKey = ecKey("slow");
        ECKey bigKey = ecKey("big");
        ECKey fineKey = ecKey("fine");
        register("slow", new JsonObject().put("jwks_uri", base + "/hang"));
        register("big", new JsonObject().put("jwks_uri", base + "/big"));
        register("fine", inline(fineKey));
        try {
            CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(
                    () -> token(assertionUnchecked(slowKey, "slow")));
            CompletableFuture<HttpResponse<String>> big = CompletableFuture.supplyAsync(
                    () -> token(assertionUnchecked(bigKey, "big")));
            HttpResponse<String> fine = token(assertion(fineKey, "fine", server.issuer()));
            assertEquals(200, fine.statusCode(), fine.body());
            assertFalse(slow.isDone(), "the hanging key set held up the other client");
            assertEquals(401, slow.get().statusCode(), "a key set that never comes authenticates nobody");
            assertEquals(401, big.get().statusCode(), "a 10 MB key set is not read");
        } finally {
            stall.countDown();
        }
        assertEquals(200, token(assertion(fineKey, "fine", server.issuer())).statusCode());
    }

    @Test
    void createWhenTheKeysAreWrongThenEachIsRefusedWithItsField() throws Exception {
        start();
        ECKey ec = ecKey("ec-1");
        record Case(String name, JsonObject body, String field, String says) {
        }
        JsonObject grants = new JsonObject().put("name", "x");
        List<Case> cases = List.of(
                new Case("a private key", new JsonObject().put("jwks", new JsonObject(new JWKSet(ec).toString(false))),
                        "jwks", "private"),
                new Case("both", new JsonObject().put("jwks", new JsonObject(jwks(ec)))
                        .put("jwks_uri", "https://keys.example/jwks"), "jwks_uri", "alternatives"),
                new Case("an http jwks_uri", new JsonObject().put("jwks_uri", "http://keys.example/jwks"), "jwks_uri",
                        "https"),
                new Case("a small RSA key", new JsonObject().put("jwks", new JsonObject(
                        jwks(new RSAKeyGenerator(1024, true).keyID("small").generate()))), "jwks", "2048"),
                new Case("a symmetric key", new JsonObject().put("jwks", new JsonObject()
                        .put("keys", new JsonArray().add(new JsonObject().put("kty", "oct").put("k", "AAAA")))),
                        "jwks", "oct"),
                new Case("no keys for private_key_jwt", new JsonObject().put("auth_methods", List.of("private_key_jwt")),
                        "auth_methods", "jwks"),
                new Case("an algorithm Keycard does not take", new JsonObject().put("jwks", new JsonObject(jwks(ec)))
                        .put("token_endpoint_auth_signing_alg", "HS256"), "token_endpoint_auth_signing_alg", "ES256"));
        for (Case c : cases) {
            HttpResponse<String> r = http.admin("POST", "/admin/v1/clients", grants.copy().mergeIn(c.body()));
            assertEquals(400, r.statusCode(), c.name() + ": " + r.body());
            assertTrue(r.body().contains(c.field()) && r.body().contains(c.says()), c.name() + ": " + r.body());
        }
    }

    @Test
    void tokenWhenAClientMovesFromItsSecretToKeysThenBothWorkMeanwhileAndTheSecretCanBeRemoved() throws Exception {
        start();
        ECKey ec = ecKey("ec-1");
        JsonObject created = http.createClient("mover", JOBS, "jobs:read");
        String secret = created.getString("client_secret");
        HttpResponse<String> both = http.admin("PATCH", "/admin/v1/clients/mover", new JsonObject()
                .put("jwks", new JsonObject(jwks(ec)))
                .put("auth_methods", List.of("client_secret_basic", "private_key_jwt")));
        assertEquals(200, both.statusCode(), both.body());
        assertEquals(200, http.token("mover", secret, "grant_type", "client_credentials").statusCode());
        assertEquals(200, token(assertion(ec, "mover", server.issuer())).statusCode());
        assertEquals(200, http.admin("PATCH", "/admin/v1/clients/mover",
                new JsonObject().put("auth_methods", List.of("private_key_jwt"))).statusCode());
        String secretId = new JsonObject(both.body()).getJsonArray("secrets").getJsonObject(0).getString("id");
        assertEquals(204, http.admin("DELETE", "/admin/v1/clients/mover/secrets/" + secretId, null).statusCode());
        assertEquals(401, http.token("mover", secret, "grant_type", "client_credentials").statusCode());
        assertEquals(200, token(assertion(ec, "mover", server.issuer())).statusCode());
        JsonObject shown = new JsonObject(http.admin("GET", "/admin/v1/clients/mover", null).body());
        assertEquals("ec-1", shown.getJsonObject("jwks").getJsonArray("keys").getJsonObject(0).getString("kid"));
    }

    @Test
    void metadataWhenReadThenItOffersPrivateKeyJwtAndItsAlgorithmsAtEachEndpoint() {
        start();
        JsonObject metadata = new JsonObject(http.get("/.well-known/oauth-authorization-server").body());
        for (String endpoint : List.of("token_endpoint", "introspection_endpoint", "revocation_endpoint")) {
            assertTrue(metadata.getJsonArray(endpoint + "_auth_methods_supported").contains("private_key_jwt"), endpoint);
            assertEquals(List.of("RS256", "PS256", "ES256", "EdDSA"),
                    metadata.getJsonArray(endpoint + "_auth_signing_alg_values_supported").getList(), endpoint);
        }
    }
}
