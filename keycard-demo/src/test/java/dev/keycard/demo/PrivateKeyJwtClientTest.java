package dev.keycard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.client.AccessToken;
import dev.keycard.client.ClientCredentialsTokenSource;
import dev.keycard.client.TokenRequestException;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keycard-client authenticates to Keycard without a secret: {@code privateKeyJwt} with an RSA, a
 * P-256 and an Ed25519 key (in code, or read from a JWK or PEM file), and
 * {@code clientAssertionFile} re-reading a file whose assertion changes between requests, and
 * {@code jwtSvidFile} with a SPIFFE workload's JWT-SVID (workload identity federation).
 */
class PrivateKeyJwtClientTest {

    private static final String JOBS = "https://jobs.internal";

    @TempDir
    Path dir;
    TestServer server;
    Http http;

    @BeforeEach
    void start() {
        server = TestServer.start(dir.resolve("data"), Map.of());
        http = new Http(server.baseUri());
        http.createApi(JOBS, "ES256", "jobs:read");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    void register(String id, JWK publicKey) {
        HttpResponse<String> r = http.admin("POST", "/admin/v1/clients", new JsonObject().put("client_id", id)
                .put("name", id).put("jwks", new JsonObject(new JWKSet(publicKey).toString()))
                .put("grants", new JsonArray().add(new JsonObject().put("api", JOBS).put("scopes", List.of("jobs:read")))));
        assertEquals(201, r.statusCode(), r.body());
    }

    ClientCredentialsTokenSource.Builder source(String id) {
        return ClientCredentialsTokenSource.builder().issuer(URI.create(server.issuer())).clientId(id).resource(JOBS);
    }

    /** Two tokens in a row: each request carries a new assertion, so the second is no replay. */
    static void twoTokens(ClientCredentialsTokenSource tokens, String subject) throws Exception {
        AccessToken first = tokens.token();
        tokens.invalidate();
        AccessToken second = tokens.token();
        assertNotEquals(first.value(), second.value());
        assertEquals(subject, SignedJWT.parse(second.value()).getJWTClaimsSet().getSubject());
    }

    @Test
    void tokenWhenTheClientSignsWithAnRsaAnEcOrAnEd25519KeyInCodeThenKeycardIssues() throws Exception {
        KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        KeyPair rsa = rsaGen.generateKeyPair();
        register("rsa-worker", new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID("r1").build());
        twoTokens(source("rsa-worker").privateKeyJwt(rsa.getPrivate(), "r1").build(), "rsa-worker");

        KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
        ecGen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = ecGen.generateKeyPair();
        register("ec-worker", new ECKey.Builder(Curve.P_256, (ECPublicKey) ec.getPublic()).keyID("e1").build());
        twoTokens(source("ec-worker").privateKeyJwt(ec.getPrivate(), "e1").build(), "ec-worker");

        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] spki = ed.getPublic().getEncoded();
        byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        register("ed-worker", new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID("d1").build());
        twoTokens(source("ed-worker").privateKeyJwt(ed.getPrivate(), null).build(), "ed-worker");
    }

    @Test
    void tokenWhenTheKeyIsAJwkOrPemFileThenKeycardIssues() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("file-key").generate();
        register("jwk-worker", ec.toPublicJWK());
        Path jwkFile = dir.resolve("worker.jwk.json");
        Files.writeString(jwkFile, ec.toJSONString());
        twoTokens(source("jwk-worker").privateKeyJwt(jwkFile).build(), "jwk-worker");

        KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        KeyPair rsa = rsaGen.generateKeyPair();
        register("pem-worker", new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).build());
        Path pem = dir.resolve("worker.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(rsa.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        twoTokens(source("pem-worker").privateKeyJwt(pem).build(), "pem-worker");
    }

    @Test
    void tokenWhenTheAssertionFileChangesBetweenRequestsThenEachRequestSendsWhatTheFileHoldsThen() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("projected").generate();
        register("file-worker", key.toPublicJWK());
        Path token = dir.resolve("token");
        Files.writeString(token, assertion(key, "file-worker") + "\n");
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder()
                .issuer(URI.create(server.issuer())).clientAssertionFile(token).resource(JOBS).build();
        AccessToken first = tokens.token();
        tokens.invalidate();
        // The same assertion again is a replay: Keycard refuses it, so the file is not cached.
        TokenRequestException replay = assertThrows(TokenRequestException.class, tokens::token);
        assertEquals("invalid_client", replay.error());
        Files.writeString(token, assertion(key, "file-worker")); // the platform rotates the file
        AccessToken second = tokens.token();
        assertNotEquals(first.value(), second.value());
        assertEquals("file-worker", SignedJWT.parse(second.value()).getJWTClaimsSet().getSubject());
    }

    @Test
    void tokenWhenAJwtSvidFileHoldsASpiffeWorkloadsTokenThenItsClientGetsATokenAsTheFileRotates() throws Exception {
        ECKey bundleKey = new ECKeyGenerator(Curve.P_256).keyID("spire-1")
                .keyUse(new com.nimbusds.jose.jwk.KeyUse("jwt-svid")).generate();
        assertEquals(201, http.admin("POST", "/admin/v1/trust-sources", new JsonObject().put("kind", "spiffe")
                .put("trust_domain", "prod.acme").put("jwks", new JsonObject(new JWKSet(bundleKey).toPublicJWKSet()
                        .toString()))).statusCode());
        assertEquals(201, http.admin("POST", "/admin/v1/clients", new JsonObject().put("client_id", "svid-worker")
                .put("name", "svid-worker").put("auth_methods", new JsonArray())
                .put("grants", new JsonArray().add(new JsonObject().put("api", JOBS).put("scopes", List.of("jobs:read")))))
                .statusCode());
        String spiffeId = "spiffe://prod.acme/ns/jobs/sa/worker";
        assertEquals(201, http.admin("POST", "/admin/v1/clients/svid-worker/federated-identities", new JsonObject()
                .put("trust_source", "prod.acme").put("subject", spiffeId)).statusCode());
        Path svid = dir.resolve("svid.token");
        Files.writeString(svid, jwtSvid(bundleKey, spiffeId));
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder()
                .issuer(URI.create(server.issuer())).jwtSvidFile(svid).resource(JOBS).build();
        AccessToken first = tokens.token();
        assertEquals("svid-worker", SignedJWT.parse(first.value()).getJWTClaimsSet().getSubject());
        tokens.invalidate();
        Files.writeString(svid, jwtSvid(bundleKey, spiffeId)); // the SPIFFE helper rotates it
        assertEquals("svid-worker", SignedJWT.parse(tokens.token().value()).getJWTClaimsSet().getSubject());
        // Sent as a plain JWT bearer assertion, a JWT-SVID is refused: its type names how it is read.
        ClientCredentialsTokenSource asBearer = ClientCredentialsTokenSource.builder()
                .issuer(URI.create(server.issuer())).clientAssertionFile(svid).resource(JOBS).build();
        assertEquals("invalid_client", assertThrows(TokenRequestException.class, asBearer::token).error());
    }

    /** A JWT-SVID as SPIRE makes one: no iss, the SPIFFE ID as sub, five minutes. */
    private String jwtSvid(ECKey key, String spiffeId) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject(spiffeId).audience(server.issuer())
                        .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300)))
                        .jwtID(UUID.randomUUID().toString()).build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void buildWhenTwoCredentialsOrAKeyWithoutIssuerThenRefused() throws Exception {
        KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
        ecGen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = ecGen.generateKeyPair();
        IllegalStateException two = assertThrows(IllegalStateException.class, () -> source("x")
                .clientSecret("kcs_x").privateKeyJwt(ec.getPrivate(), "k").build());
        assertTrue(two.getMessage().contains("exactly one of"), two.getMessage());
        IllegalStateException noIssuer = assertThrows(IllegalStateException.class, () -> ClientCredentialsTokenSource
                .builder().tokenEndpoint(URI.create(server.issuer() + "/oauth2/token")).clientId("x")
                .privateKeyJwt(ec.getPrivate(), "k").build());
        assertTrue(noIssuer.getMessage().contains("issuer"), noIssuer.getMessage());
        KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
        small.initialize(1024);
        assertThrows(IllegalArgumentException.class, () -> source("x").privateKeyJwt(small.generateKeyPair().getPrivate(), "k"));
    }

    String assertion(ECKey key, String clientId) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(server.issuer())
                        .expirationTime(Date.from(Instant.now().plusSeconds(120))).jwtID(UUID.randomUUID().toString())
                        .build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }
}
