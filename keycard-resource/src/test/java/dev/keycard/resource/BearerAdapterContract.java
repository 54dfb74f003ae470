package dev.keycard.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.keycard.resource.testing.DPoPProofs;
import dev.keycard.resource.testing.SelfSigned;
import dev.keycard.resource.testing.TestIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The RFC 6750 behaviour every adapter must show over real HTTP. Each adapter's test serves
 * {@code GET /jobs} (needs jobs:read) and {@code POST /jobs/1/complete} (needs jobs:write), and
 * answers 200 with {@code client=<client_id>} when let through.
 */
abstract class BearerAdapterContract {

    private static final ECKey KEY = TestIssuer.ecKey("ec-1");
    private static final String INVALID = "Bearer error=\"invalid_token\", error_description=\"The access token is not valid\"";

    private final HttpClient client = HttpClient.newHttpClient();
    protected TestIssuer issuer;
    protected AccessTokenVerifier verifier;
    protected URI base;

    /** Starts the adapter's server protecting the two paths; returns its base URI. */
    protected URI start(AccessTokenVerifier verifier) throws Exception {
        return start(verifier, List.of());
    }

    /** The same, taking client certificates from the Client-Cert header of requests from {@code proxies}. */
    protected URI start(AccessTokenVerifier verifier, List<String> proxies) throws Exception {
        return start(verifier, proxies, null);
    }

    /** The same, comparing DPoP proofs' htu with {@code publicOrigin} (when not null) and the request's path. */
    protected abstract URI start(AccessTokenVerifier verifier, List<String> proxies, URI publicOrigin) throws Exception;

    protected abstract void stop() throws Exception;

    @BeforeEach
    void startAll() throws Exception {
        issuer = TestIssuer.start().publish(KEY);
        verifier = AccessTokenVerifier.builder().issuer(issuer.issuer()).audiences(TestIssuer.AUDIENCE).build();
        base = start(verifier);
    }

    @AfterEach
    void stopAll() throws Exception {
        stop();
        verifier.close();
        issuer.close();
    }

    private String token(String scope) {
        return issuer.token(KEY, Instant.now(), h -> { }, c -> c.claim("scope", scope));
    }

    private HttpResponse<String> call(String method, String path, String... authorization) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody());
        for (String a : authorization) {
            r.header("Authorization", a);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestWhenValidTokenWithScopeThenPassesWithTheVerifiedToken() throws Exception {
        HttpResponse<String> r = call("GET", "/jobs", "Bearer " + token("jobs:read"));
        assertEquals(200, r.statusCode());
        assertEquals("client=batch-worker", r.body());
        assertEquals(200, call("POST", "/jobs/1/complete", "bearer " + token("jobs:read jobs:write")).statusCode());
    }

    @Test
    void requestWhenNoTokenThenBareChallenge() throws Exception {
        HttpResponse<String> r = call("GET", "/jobs");
        assertEquals(401, r.statusCode());
        assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void requestWhenAnotherSchemeThenBareChallenge() throws Exception {
        HttpResponse<String> r = call("GET", "/jobs", "Basic YmF0Y2g6c2VjcmV0");
        assertEquals(401, r.statusCode());
        assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void requestWhenInvalidTokenThenInvalidTokenWithoutDetail() throws Exception {
        String expired = issuer.token(KEY, Instant.now(), h -> { }, c -> c
                .issueTime(Date.from(Instant.now().minusSeconds(900))).expirationTime(Date.from(Instant.now().minusSeconds(300))));
        String otherApi = issuer.token(KEY, Instant.now(), h -> { }, c -> c.audience("https://other.example"));
        for (String token : new String[] {"not.a.jwt", expired, otherApi}) {
            HttpResponse<String> r = call("GET", "/jobs", "Bearer " + token);
            assertEquals(401, r.statusCode());
            assertEquals(INVALID, r.headers().firstValue("WWW-Authenticate").orElseThrow());
            assertEquals("{\"error\":\"invalid_token\",\"error_description\":\"The access token is not valid\"}", r.body());
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        }
    }

    @Test
    void requestWhenScopeMissingThenInsufficientScopeNamingIt() throws Exception {
        HttpResponse<String> r = call("POST", "/jobs/1/complete", "Bearer " + token("jobs:read"));
        assertEquals(403, r.statusCode());
        assertEquals("Bearer error=\"insufficient_scope\", error_description=\"The request requires scope jobs:write\","
                + " scope=\"jobs:write\"", r.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertTrue(r.body().contains("\"error\":\"insufficient_scope\""), r.body());
    }

    @Test
    void requestWhenAuthorizationHeaderMalformedThenInvalidRequest() throws Exception {
        for (String header : new String[] {"Bearer", "Bearer a b", "Bearer tok@en"}) {
            HttpResponse<String> r = call("GET", "/jobs", header);
            assertEquals(400, r.statusCode(), header);
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer error=\"invalid_request\""));
        }
        assertEquals(400, call("GET", "/jobs", "Bearer " + token("jobs:read"), "Bearer " + token("jobs:read")).statusCode(),
                "two Authorization headers");
    }

    private static final ECKey CLIENT_KEY = TestIssuer.ecKey("client-dpop");

    private String boundToken(ECKey clientKey, String scope) {
        String jkt = DPoPProofVerifier.thumbprint(clientKey.toPublicJWK());
        return issuer.token(KEY, Instant.now(), h -> { }, c -> c.claim("scope", scope).claim("cnf", Map.of("jkt", jkt)));
    }

    private String proof(ECKey clientKey, String method, String path, String token,
                         java.util.function.Consumer<JWTClaimsSet.Builder> claims) {
        return DPoPProofs.proof(clientKey, method, base.resolve(path).toString(), Instant.now(), h -> { },
                c -> claims.accept(c.claim("ath", DPoPProofVerifier.tokenHash(token))));
    }

    private HttpResponse<String> callDPoP(String method, String path, String token, String proof)
            throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(base.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "DPoP " + token).header("DPoP", proof).build();
        return client.send(r, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void dpopWhenBoundTokenWithItsProofThenPassesEachTimeWithAFreshProof() throws Exception {
        String token = boundToken(CLIENT_KEY, "jobs:read jobs:write");
        for (int i = 0; i < 2; i++) { // the second time the token is cached; the proof is checked again
            HttpResponse<String> r = callDPoP("GET", "/jobs?page=2", token, proof(CLIENT_KEY, "GET", "/jobs", token, c -> { }));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("client=batch-worker", r.body());
        }
        assertEquals(200, callDPoP("POST", "/jobs/1/complete", token,
                proof(CLIENT_KEY, "POST", "/jobs/1/complete", token, c -> { })).statusCode());
        assertEquals(1, verifier.cachedTokens(), "the bound token was verified once and cached; each proof was checked");
        assertEquals(401, callDPoP("GET", "/jobs", token, proof(TestIssuer.ecKey("thief"), "GET", "/jobs", token, c -> { }))
                .statusCode(), "the cached token still needs its own key's proof");
    }

    @Test
    void dpopWhenBoundTokenMisusedThenRefusedWithADPoPChallenge() throws Exception {
        String token = boundToken(CLIENT_KEY, "jobs:read");
        HttpResponse<String> asBearer = call("GET", "/jobs", "Bearer " + token);
        assertEquals(401, asBearer.statusCode());
        assertTrue(asBearer.headers().firstValue("WWW-Authenticate").orElseThrow()
                .startsWith("DPoP error=\"invalid_token\""), asBearer.headers().toString());

        ECKey thief = TestIssuer.ecKey("thief");
        String used = proof(CLIENT_KEY, "GET", "/jobs", token, c -> { });
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("a proof from another key", proof(thief, "GET", "/jobs", token, c -> { }));
        refused.put("a wrong ath", proof(CLIENT_KEY, "GET", "/jobs", token,
                c -> c.claim("ath", DPoPProofVerifier.tokenHash(token + "x"))));
        refused.put("a proof for another path", proof(CLIENT_KEY, "GET", "/jobs/1/complete", token, c -> { }));
        refused.put("a proof for another method", proof(CLIENT_KEY, "POST", "/jobs", token, c -> { }));
        assertEquals(200, callDPoP("GET", "/jobs", token, used).statusCode());
        refused.put("a replayed proof", used);
        for (Map.Entry<String, String> bad : refused.entrySet()) {
            HttpResponse<String> r = callDPoP("GET", "/jobs", token, bad.getValue());
            assertEquals(401, r.statusCode(), bad.getKey());
            String challenge = r.headers().firstValue("WWW-Authenticate").orElseThrow();
            assertTrue(challenge.startsWith("DPoP error=\"invalid_dpop_proof\""), bad.getKey() + ": " + challenge);
            assertTrue(challenge.endsWith("algs=\"ES256 PS256 RS256 EdDSA\""), challenge);
        }
        HttpResponse<String> noProof = client.send(HttpRequest.newBuilder(base.resolve("/jobs"))
                .header("Authorization", "DPoP " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, noProof.statusCode());

        String bearerToken = token("jobs:read"); // not bound: the DPoP scheme does not fit it
        HttpResponse<String> unbound = callDPoP("GET", "/jobs", bearerToken, proof(CLIENT_KEY, "GET", "/jobs", bearerToken, c -> { }));
        assertEquals(401, unbound.statusCode());
        assertTrue(unbound.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("DPoP error=\"invalid_token\""));
    }

    @Test
    void certificateBoundTokenThenRefusedAsThisLibraryCannotCheckIt() throws Exception {
        String token = issuer.token(KEY, Instant.now(), h -> { }, c -> c.claim("scope", "jobs:read")
                .claim("cnf", Map.of("x5t#S256", "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2")));
        assertEquals(401, call("GET", "/jobs", "Bearer " + token).statusCode());
        String otherCnf = issuer.token(KEY, Instant.now(), h -> { }, c -> c.claim("scope", "jobs:read")
                .claim("cnf", Map.of("jwk", Map.of("kty", "EC"))));
        assertEquals(401, call("GET", "/jobs", "Bearer " + otherCnf).statusCode(), "a cnf this library cannot check");
    }

    @Test
    void certificateBoundTokenWhenForwardedByATrustedProxyThenCheckedAgainstTheHeaderElseIgnored() throws Exception {
        java.security.cert.X509Certificate cert = SelfSigned.certificate("CN=worker");
        java.security.cert.X509Certificate other = SelfSigned.certificate("CN=other");
        String token = issuer.token(KEY, Instant.now(), h -> { }, c -> c.claim("scope", "jobs:read")
                .claim("cnf", Map.of("x5t#S256", BearerAuthentication.certificateThumbprint(cert))));
        // This server: requests from 127.0.0.1 (a proxy) carry the certificate in Client-Cert.
        stop();
        base = start(verifier, List.of("127.0.0.1"));
        assertEquals(200, forwarded(token, cert).statusCode(), "the certificate the token is bound to");
        assertEquals(401, forwarded(token, other).statusCode(), "another certificate");
        assertEquals(401, call("GET", "/jobs", "Bearer " + token).statusCode(), "none");
        // A server that trusts no proxy: the header is ignored, so no certificate.
        stop();
        base = start(verifier, List.of("10.9.9.9"));
        assertEquals(401, forwarded(token, cert).statusCode(), "the header from an address that is no proxy");
    }

    private HttpResponse<String> forwarded(String token, java.security.cert.X509Certificate cert)
            throws IOException, InterruptedException {
        try {
            return client.send(HttpRequest.newBuilder(base.resolve("/jobs")).header("Authorization", "Bearer " + token)
                    .header("Client-Cert", ":" + java.util.Base64.getEncoder().encodeToString(cert.getEncoded()) + ":")
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void dpopWhenBehindAProxyThenHtuIsComparedWithThePublicOrigin() throws Exception {
        stop();
        base = start(verifier, List.of(), URI.create("https://jobs.example"));
        String token = boundToken(CLIENT_KEY, "jobs:read");
        String publicProof = DPoPProofs.proof(CLIENT_KEY, "GET", "https://jobs.example/jobs", Instant.now(), h -> { },
                c -> c.claim("ath", DPoPProofVerifier.tokenHash(token)));
        assertEquals(200, callDPoP("GET", "/jobs", token, publicProof).statusCode(), "the URL the client called");
        assertEquals(401, callDPoP("GET", "/jobs", token, proof(CLIENT_KEY, "GET", "/jobs", token, c -> { })).statusCode(),
                "the URL the server sees is not the one clients call");
        assertThrows(IllegalArgumentException.class, () -> dev.keycard.resource.internal.Origins.of(
                URI.create("https://jobs.example/api")));
    }
}
