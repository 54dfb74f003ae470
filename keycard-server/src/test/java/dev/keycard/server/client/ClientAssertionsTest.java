package dev.keycard.server.client;

import static dev.keycard.server.testing.TestApis.JOBS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.config.ServerConfig.AssertionPolicy;
import dev.keycard.server.keys.SigningKey;
import dev.keycard.server.keys.TestKeys;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientKeys;
import dev.keycard.server.registry.Registry;
import dev.keycard.server.testing.TestApis;
import dev.keycard.server.testing.TestClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client-assertion pipeline's rules (private_key_jwt, RFC 7523 §3), without HTTP or a store. */
class ClientAssertionsTest {

    static final String ISSUER = "https://keycard.test";
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final AssertionPolicy POLICY = new AssertionPolicy(Duration.ofMinutes(5), Duration.ofSeconds(30), false,
            false, Duration.ofSeconds(1), 65536, Duration.ofSeconds(30));

    /** The pipeline over {@code registry}, spending jtis in {@code used}. */
    static ClientAssertions assertions(Registry registry, ClientKeySets keySets, ClientAssertions.SingleUse used) {
        return assertions(registry, keySets, used, POLICY);
    }

    static ClientAssertions assertions(Registry registry, ClientKeySets keySets, ClientAssertions.SingleUse used,
                                       AssertionPolicy policy) {
        return new ClientAssertions(registry, keySets, used, policy, () -> ISSUER);
    }

    final ClientKeySets keySets = new ClientKeySets(Duration.ofSeconds(1), 65536, Duration.ofSeconds(30));
    final Set<String> spent = new HashSet<>();
    final ClientAssertions.SingleUse once = (client, jti, exp) ->
            java.util.concurrent.CompletableFuture.completedFuture(spent.add(client + " " + jti));

    @AfterEach
    void close() {
        keySets.close();
    }

    static SigningKey key(SigningAlg alg, String kid) {
        return TestKeys.key(alg, kid, NOW.minusSeconds(3600));
    }

    static String jwks(SigningKey... keys) {
        return new JWKSet(java.util.Arrays.stream(keys).map(SigningKey::publicJwk).toList()).toString();
    }

    /** A client {@code id} verified with {@code keys}, granted jobs:read. */
    static Client worker(String id, SigningKey... keys) {
        return TestClients.client(id).grant(JOBS, "jobs:read").privateKeyJwt(jwks(keys)).build();
    }

    /** A well-formed assertion's claims for {@code clientId}, changed by {@code edit}. */
    static JWTClaimsSet claims(String clientId, UnaryOperator<JWTClaimsSet.Builder> edit) {
        return edit.apply(new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(ISSUER)
                .expirationTime(Date.from(NOW.plusSeconds(60))).issueTime(Date.from(NOW))
                .jwtID(UUID.randomUUID().toString())).build();
    }

    static String sign(SigningKey key, JWSHeader.Builder header, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(header.keyID(key.kid()).build(), claims);
            jwt.sign(key.signer());
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(SigningKey key, JWTClaimsSet claims) {
        return sign(key, new JWSHeader.Builder(key.alg().jws()), claims);
    }

    /** The client and the kid of the key that verified its assertion, once every check has completed. */
    record Verified(Client client, String keyId) {
    }

    Verified verify(ClientAssertions pipeline, String assertion) throws ClientAssertions.Refused {
        ClientAssertions.Checking checking = pipeline.verify(pipeline.parse(ClientAssertions.JWT_BEARER, assertion), NOW);
        try {
            return new Verified(checking.client(), checking.verified().join());
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof ClientAssertions.Refused r) {
                throw r;
            }
            throw e;
        }
    }

    ClientAssertions pipeline(Client... clients) {
        return assertions(TestApis.registry(List.of(TestApis.jobs().build()), List.of(clients)), keySets, once);
    }

    String refusal(ClientAssertions pipeline, String assertion) {
        return assertThrows(ClientAssertions.Refused.class, () -> verify(pipeline, assertion)).reason;
    }

    @ParameterizedTest
    @EnumSource(SigningAlg.class)
    void verifyWhenSignedByARegisteredKeyOfEachAlgorithmThenTheClientIsAuthenticated(SigningAlg alg) throws Exception {
        SigningKey key = key(alg, "k-" + alg);
        Verified verified = verify(pipeline(worker("batch", key)), sign(key, claims("batch", c -> c)));
        assertEquals("batch", verified.client().id().value());
        assertEquals("k-" + alg, verified.keyId());
    }

    @Test
    void verifyWhenTheTypIsClientAuthenticationJwtOrJwtThenAccepted() throws Exception {
        SigningKey key = key(SigningAlg.ES256, "k");
        ClientAssertions p = pipeline(worker("batch", key));
        for (String typ : List.of("client-authentication+jwt", "JWT", "application/client-authentication+jwt")) {
            verify(p, sign(key, new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType(typ)),
                    claims("batch", c -> c)));
        }
    }

    @Test
    void verifyWhenAcceptedThenItsJtiIsSpentForAsLongAsItIsAcceptedIncludingTheClockSkew() throws Exception {
        SigningKey key = key(SigningAlg.ES256, "k");
        java.util.List<Instant> until = new java.util.ArrayList<>();
        ClientAssertions p = assertions(TestApis.registry(List.of(TestApis.jobs().build()), List.of(worker("batch", key))),
                keySets, (client, jti, exp) -> {
                    until.add(exp);
                    return java.util.concurrent.CompletableFuture.completedFuture(true);
                });
        verify(p, sign(key, claims("batch", c -> c))); // exp NOW + 60 s, accepted until 30 s past it
        assertEquals(List.of(NOW.plusSeconds(60).plus(POLICY.clockSkew())), until);
    }

    @Test
    void verifyWhenTheHeaderIsKnownFromAnEarlierAssertionThenTheSignatureAndClaimsAreStillChecked() throws Exception {
        SigningKey key = key(SigningAlg.ES256, "k");
        SigningKey stranger = key(SigningAlg.ES256, "k");
        ClientAssertions p = pipeline(worker("batch", key));
        String good = sign(key, claims("batch", c -> c));
        verify(p, good); // its header is now known
        String forged = sign(stranger, claims("batch", c -> c));
        assertEquals(good.substring(0, good.indexOf('.')), forged.substring(0, forged.indexOf('.')), "the same header");
        assertEquals("wrong_key", refusal(p, forged), "signed by a key the client did not register");
        String[] parts = sign(key, claims("batch", c -> c)).split("\\.");
        String swapped = parts[0] + "." + forged.split("\\.")[1] + "." + parts[2];
        assertEquals("wrong_key", refusal(p, swapped), "claims of another assertion under a real signature");
        assertEquals("malformed_assertion", refusal(p, good + ".x"), "five parts");
        assertEquals("wrong_subject", refusal(p, parts[0] + ".e30." + parts[2]), "no claims");
        assertEquals("wrong_audience", refusal(p, sign(key, claims("batch", c -> c.audience("https://other.test")))));
        assertEquals("wrong_type", refusal(p, sign(key, new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType("at+jwt")), claims("batch", c -> c))), "another header is read for itself");
        assertEquals("batch", verify(p, sign(key, claims("batch", c -> c))).client().id().value());
    }

    @Test
    void verifyWhenAnyRuleIsBrokenThenEachIsRefusedForItsOwnReason() {
        SigningKey key = key(SigningAlg.ES256, "k");
        SigningKey stranger = key(SigningAlg.ES256, "k");
        Client es256Only = TestClients.client("strict").grant(JOBS, "jobs:read")
                .keys(new ClientKeys(Optional.of(jwks(key)), Optional.empty(), Optional.of("RS256"))).build();
        Client secretOnly = TestClients.client("secretive").grant(JOBS, "jobs:read").build();
        ClientAssertions p = pipeline(worker("batch", key), worker("other", stranger), es256Only, secretOnly);
        byte[] macKey = key.publicJwk().toJSONString().getBytes(StandardCharsets.UTF_8);
        String hs256;
        try {
            SignedJWT mac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("batch", c -> c));
            mac.sign(new MACSigner(macKey));
            hs256 = mac.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
                + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                        claims("batch", c -> c).toString().getBytes()) + ".";
        record Case(String name, String assertion, String reason) {
        }
        List<Case> cases = List.of(
                new Case("iss and sub differ", sign(key, claims("batch", c -> c.subject("other"))), "wrong_subject"),
                new Case("iss and sub of another client", sign(key, claims("other", c -> c)), "wrong_key"),
                new Case("an unknown client", sign(key, claims("nobody", c -> c)), "unknown_client"),
                new Case("no iss", sign(key, claims("batch", c -> c.issuer(null))), "wrong_subject"),
                new Case("audience of another server", sign(key, claims("batch", c -> c.audience("https://other.test"))),
                        "wrong_audience"),
                new Case("the token endpoint as audience, setting off",
                        sign(key, claims("batch", c -> c.audience(ISSUER + "/oauth2/token"))), "wrong_audience"),
                new Case("no audience", sign(key, claims("batch", c -> c.audience((String) null))), "wrong_audience"),
                new Case("expired", sign(key, claims("batch", c -> c.expirationTime(Date.from(NOW.minusSeconds(31))))),
                        "expired_assertion"),
                new Case("exp too far ahead", sign(key, claims("batch",
                        c -> c.expirationTime(Date.from(NOW.plus(Duration.ofMinutes(6)))))), "assertion_lifetime"),
                new Case("no exp", sign(key, claims("batch", c -> c.expirationTime(null))), "malformed_assertion"),
                new Case("nbf in the future", sign(key, claims("batch",
                        c -> c.notBeforeTime(Date.from(NOW.plusSeconds(31))))), "assertion_not_yet_valid"),
                new Case("iat in the future", sign(key, claims("batch",
                        c -> c.issueTime(Date.from(NOW.plusSeconds(31))))), "assertion_not_yet_valid"),
                new Case("no jti", sign(key, claims("batch", c -> c.jwtID(null))), "malformed_assertion"),
                new Case("alg none", none, "malformed_assertion"),
                new Case("HS256 with the public key as secret", hs256, "algorithm_not_allowed"),
                new Case("a key not registered to the client", sign(stranger, claims("batch", c -> c)), "wrong_key"),
                new Case("typ at+jwt", sign(key, new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(new JOSEObjectType("at+jwt")), claims("batch", c -> c)), "wrong_type"),
                new Case("typ dpop+jwt", sign(key, new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .type(new JOSEObjectType("dpop+jwt")), claims("batch", c -> c)), "wrong_type"),
                new Case("an algorithm the client did not declare", sign(key, claims("strict", c -> c)),
                        "algorithm_not_allowed"),
                new Case("a client that may not use private_key_jwt", sign(key, claims("secretive", c -> c)),
                        "method_not_allowed"),
                new Case("not a JWT", "not.a.jwt", "malformed_assertion"));
        for (Case c : cases) {
            assertEquals(c.reason(), refusal(p, c.assertion()), c.name());
        }
        assertEquals(Set.of(), spent, "nothing refused spends a jti");
    }

    @Test
    void verifyWhenTheSameJtiComesAgainThenTheReplayIsRefused() throws Exception {
        SigningKey key = key(SigningAlg.EdDSA, "k");
        ClientAssertions p = pipeline(worker("batch", key));
        String assertion = sign(key, claims("batch", c -> c));
        verify(p, assertion);
        assertEquals("replayed_assertion", refusal(p, assertion));
        verify(p, sign(key, claims("batch", c -> c))); // a fresh jti is fine
    }

    @Test
    void verifyWhenTheStoreCannotRecordTheJtiThenTheRefusalSaysTryAgain() {
        SigningKey key = key(SigningAlg.ES256, "k");
        ClientAssertions p = assertions(TestApis.registry(List.of(TestApis.jobs().build()),
                List.of(worker("batch", key))), keySets, (c, j, e) -> {
                    return java.util.concurrent.CompletableFuture.failedFuture(new AssertionReplay.Unavailable("store down"));
                });
        ClientAssertions.Refused r = assertThrows(ClientAssertions.Refused.class,
                () -> verify(p, sign(key, claims("batch", c -> c))));
        assertEquals(true, r.unavailable);
    }

    @Test
    void verifyWhenTheTokenEndpointAudienceIsAllowedThenItIsAccepted() throws Exception {
        SigningKey key = key(SigningAlg.ES256, "k");
        ClientAssertions p = assertions(TestApis.registry(List.of(TestApis.jobs().build()),
                List.of(worker("batch", key))), keySets, once,
                new AssertionPolicy(Duration.ofMinutes(5), Duration.ofSeconds(30), true, false, Duration.ofSeconds(1),
                        65536, Duration.ofSeconds(30)));
        verify(p, sign(key, claims("batch", c -> c.audience(ISSUER + "/oauth2/token"))));
        verify(p, sign(key, claims("batch", c -> c.audience(List.of("https://elsewhere.test", ISSUER)))));
    }

    @Test
    void parseWhenTheAssertionTypeIsUnknownThenRefused() {
        SigningKey key = key(SigningAlg.ES256, "k");
        ClientAssertions p = pipeline(worker("batch", key));
        assertEquals("unsupported_assertion_type", assertThrows(ClientAssertions.Refused.class,
                () -> p.parse("urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
                        sign(key, claims("batch", c -> c)))).reason);
    }
}
