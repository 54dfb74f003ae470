package dev.keycard.server.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The access token of RFC 9068, checked by Nimbus alone against the published JWKS: header §2.1,
 * claims §2.2, one audience, every algorithm an API can choose, and the metadata that leads there.
 */
class AccessTokenFormatTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static final Map<String, String> secrets = new java.util.HashMap<>();

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Map.of("token.max-lifetime", "30m"));
        http = new Http(server.baseUri());
        for (String alg : List.of("RS256", "ES256", "PS256", "EdDSA")) {
            String api = "https://" + alg.toLowerCase() + ".internal";
            http.createApi(api, alg, "data:read", "data:write");
            secrets.put(alg, http.createClient("client-" + alg, api, "data:read").getString("client_secret"));
        }
        http.createApi("https://long.internal", "RS256", "x");
        assertEquals(200, http.admin("PATCH", "/admin/v1/apis/" + Http.enc("https://long.internal"),
                new JsonObject().put("token_lifetime", 1800)).statusCode());
        secrets.put("long", http.createClient("long-lived", "https://long.internal", "x").getString("client_secret"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * Verifies like a resource server would, with Nimbus alone: JWKS from the metadata's jwks_uri,
     * key by kid, signature, typ, iss, aud, exp and the RFC 9068 §2.2 claims.
     */
    static JWTClaimsSet verify(String token, String audience) throws Exception {
        JsonObject metadata = new JsonObject(http.get("/.well-known/oauth-authorization-server").body());
        JWKSet jwks = JWKSet.parse(http.get(java.net.URI.create(metadata.getString("jwks_uri")).getPath()).body());
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals(new JOSEObjectType("at+jwt"), jwt.getHeader().getType());
        JWK key = jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertNotNull(key, "kid is published");
        assertEquals(key.getAlgorithm(), jwt.getHeader().getAlgorithm(), "signed with the key's one algorithm");
        JWSVerifier verifier = switch (key.getKeyType().getValue()) {
            case "RSA" -> new RSASSAVerifier(key.toRSAKey());
            case "EC" -> new ECDSAVerifier(key.toECKey());
            case "OKP" -> new Ed25519Verifier(key.toOctetKeyPair());
            default -> throw new AssertionError("unexpected key type " + key.getKeyType());
        };
        assertTrue(jwt.verify(verifier), "signature verifies");
        new DefaultJWTClaimsVerifier<SecurityContext>(audience,
                new JWTClaimsSet.Builder().issuer(server.issuer()).build(),
                Set.of("sub", "client_id", "iat", "exp", "jti", "scope")).verify(jwt.getJWTClaimsSet(), null);
        return jwt.getJWTClaimsSet();
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "ES256", "PS256", "EdDSA"})
    void tokenWhenApiChoosesAlgorithmThenSignedWithItAndVerifiesAgainstJwks(String alg) throws Exception {
        String api = "https://" + alg.toLowerCase() + ".internal";
        String token = http.accessToken("client-" + alg, secrets.get(alg), "grant_type", "client_credentials");
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals(alg, jwt.getHeader().getAlgorithm().getName());
        assertEquals("at+jwt", jwt.getHeader().getType().getType());
        assertNotNull(jwt.getHeader().getKeyID());
        JWTClaimsSet claims = verify(token, api);
        assertEquals(server.issuer(), claims.getIssuer());
        assertEquals("client-" + alg, claims.getSubject());
        assertEquals("client-" + alg, claims.getStringClaim("client_id"));
        assertEquals(List.of(api), claims.getAudience());
        assertEquals("data:read", claims.getStringClaim("scope"));
        assertEquals(Duration.ofMinutes(15).toMillis(),
                claims.getExpirationTime().getTime() - claims.getIssueTime().getTime());
        assertEquals(Set.of("iss", "sub", "aud", "client_id", "scope", "iat", "exp", "jti"), claims.getClaims().keySet());
    }

    @Test
    void jwksWhenServedThenPublicKeysOnlyWithKidAlgAndUse() throws Exception {
        HttpResponse<String> r = http.get("/oauth2/jwks");
        assertEquals(200, r.statusCode());
        assertEquals("application/json;charset=UTF-8", r.headers().firstValue("Content-Type").orElseThrow());
        JWKSet jwks = JWKSet.parse(r.body());
        assertEquals(Set.of("RS256", "ES256", "PS256", "EdDSA"),
                jwks.getKeys().stream().map(k -> k.getAlgorithm().getName()).collect(java.util.stream.Collectors.toSet()));
        jwks.getKeys().forEach(k -> {
            assertFalse(k.isPrivate(), k.getKeyID() + " must be public only");
            assertEquals("sig", k.getKeyUse().identifier());
        });
        for (String privatePart : List.of("\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"")) {
            assertFalse(r.body().contains(privatePart), "JWKS leaks " + privatePart);
        }
    }

    @Test
    void tokensWhenThousandIssuedThenEveryJtiDistinct() throws Exception {
        Set<String> jtis = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String token = http.accessToken("client-ES256", secrets.get("ES256"), "grant_type", "client_credentials");
            jtis.add(SignedJWT.parse(token).getJWTClaimsSet().getJWTID());
        }
        assertEquals(1000, jtis.size());
    }

    @Test
    void tokenWhenApiLifetimeAboveServerMaximumThenCapped() throws Exception {
        HttpResponse<String> r = http.token("long-lived", secrets.get("long"), "grant_type", "client_credentials");
        assertEquals(1800, new JsonObject(r.body()).getInteger("expires_in"));
        server.close();
        server = TestServer.start(dir, Map.of("token.max-lifetime", "10m", "token.default-lifetime", "5m"));
        http = new Http(server.baseUri());
        r = http.token("long-lived", secrets.get("long"), "grant_type", "client_credentials");
        assertEquals(600, new JsonObject(r.body()).getInteger("expires_in"), "capped at token.max-lifetime");
        JWTClaimsSet claims = SignedJWT.parse(new JsonObject(r.body()).getString("access_token")).getJWTClaimsSet();
        assertEquals(600_000, claims.getExpirationTime().getTime() - claims.getIssueTime().getTime());
    }

    @Test
    void metadataWhenFetchedThenRfc8414DocumentAndNoOpenIdProviderDocument() {
        HttpResponse<String> a = http.get("/.well-known/oauth-authorization-server");
        assertEquals(200, a.statusCode());
        assertEquals(404, http.get("/.well-known/openid-configuration").statusCode(), "Keycard is not an OpenID Provider");
        JsonObject m = new JsonObject(a.body());
        assertEquals(server.issuer(), m.getString("issuer"));
        assertEquals(server.issuer() + "/oauth2/token", m.getString("token_endpoint"));
        assertEquals(server.issuer() + "/oauth2/jwks", m.getString("jwks_uri"));
        assertEquals(List.of("client_credentials"), m.getJsonArray("grant_types_supported").getList());
        assertEquals(List.of("client_secret_basic", "client_secret_post", "private_key_jwt"),
                m.getJsonArray("token_endpoint_auth_methods_supported").getList());
        assertTrue(m.containsKey("response_types_supported"));
        assertEquals(server.issuer() + "/oauth2/introspect", m.getString("introspection_endpoint"));
        assertEquals(List.of("client_secret_basic", "client_secret_post", "private_key_jwt"),
                m.getJsonArray("introspection_endpoint_auth_methods_supported").getList());
        assertEquals(List.of("RS256"), m.getJsonArray("introspection_signing_alg_values_supported").getList());
        assertEquals(server.issuer() + "/oauth2/revoke", m.getString("revocation_endpoint"));
        assertEquals(List.of("client_secret_basic", "client_secret_post", "private_key_jwt"),
                m.getJsonArray("revocation_endpoint_auth_methods_supported").getList());
        assertEquals(Set.of("issuer", "token_endpoint", "jwks_uri", "grant_types_supported",
                "token_endpoint_auth_methods_supported", "response_types_supported",
                "access_token_signing_alg_values_supported", "introspection_endpoint",
                "introspection_endpoint_auth_methods_supported", "introspection_signing_alg_values_supported",
                "revocation_endpoint", "revocation_endpoint_auth_methods_supported",
                "token_endpoint_auth_signing_alg_values_supported", "dpop_signing_alg_values_supported",
                "introspection_endpoint_auth_signing_alg_values_supported",
                "revocation_endpoint_auth_signing_alg_values_supported",
                "keycard_revocation_events_endpoint"), m.fieldNames());
        assertEquals(server.issuer() + "/oauth2/revocation-events", m.getString("keycard_revocation_events_endpoint"));
    }

    @Test
    void issuerWhenConfiguredThenInTokensAndMetadata() throws Exception {
        try (TestServer other = TestServer.start(dir.resolve("other"), Map.of("issuer", "https://auth.example.com"))) {
            Http h = new Http(other.baseUri());
            assertEquals("https://auth.example.com",
                    new JsonObject(h.get("/.well-known/oauth-authorization-server").body()).getString("issuer"));
            assertEquals("https://auth.example.com", SignedJWT.parse(h.adminToken()).getJWTClaimsSet().getIssuer());
        }
    }
}
