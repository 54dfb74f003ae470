package dev.keycard.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.resource.TokenVerificationException.InvalidToken;
import dev.keycard.resource.testing.MutableClock;
import dev.keycard.resource.testing.TestIssuer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every forged or wrong token of the issue's list is refused with {@code invalid_token}, while the
 * same issuer's genuine tokens pass, so each refusal is for the forgery and nothing else.
 */
class ForgedTokensTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final RSAKey RSA = TestIssuer.rsaKey("rsa-1");
    private static final ECKey EC = TestIssuer.ecKey("ec-1");
    private static final RSAKey ATTACKER = TestIssuer.rsaKey("attacker");

    private static TestIssuer issuer;
    private static TestIssuer attackerSite;
    private static AccessTokenVerifier verifier;

    @BeforeAll
    static void start() {
        issuer = TestIssuer.start().publish(RSA).publish(EC);
        attackerSite = TestIssuer.start().publish(ATTACKER);
        verifier = AccessTokenVerifier.builder().issuer(issuer.issuer()).audiences(TestIssuer.AUDIENCE)
                .clock(new MutableClock(NOW)).build();
    }

    @AfterAll
    static void stop() {
        verifier.close();
        issuer.close();
        attackerSite.close();
    }

    @Test
    void verifyWhenGenuineRs256AndEs256TokensThenAccepted() {
        VerifiedToken rs = verifier.verify(issuer.token(RSA, NOW));
        VerifiedToken es = verifier.verify(issuer.token(EC, NOW));
        assertEquals("batch-worker", rs.clientId());
        assertEquals("jobs:read jobs:write", es.scopes().toString());
        assertEquals(java.util.List.of(TestIssuer.AUDIENCE), es.audiences());
    }

    static Stream<Arguments> forgeries() {
        return Stream.<Arguments>of(
                forged("alg none", "not a signed JWT", () -> new PlainJWT(new PlainHeader.Builder().type(new JOSEObjectType("at+jwt")).build(),
                        issuer.claims(NOW).build()).serialize()),
                forged("HS256 keyed with the public key", "algorithm HS256 not accepted", () -> {
                    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt"))
                            .keyID(RSA.getKeyID()).build(), issuer.claims(NOW).build());
                    jwt.sign(new MACSigner(RSA.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
                    return jwt.serialize();
                }),
                forged("unknown kid", "no key attacker", () -> issuer.token(ATTACKER, NOW)),
                forged("expired", "expired at", () -> issuer.token(RSA, NOW, h -> { }, c -> c
                        .issueTime(Date.from(NOW.minusSeconds(600))).expirationTime(Date.from(NOW.minusSeconds(61))))),
                forged("not yet valid", "not valid before", () -> issuer.token(RSA, NOW, h -> { }, c -> c.notBeforeTime(Date.from(NOW.plusSeconds(61))))),
                forged("issued in the future", "issued in the future", () -> issuer.token(RSA, NOW, h -> { }, c -> c.issueTime(Date.from(NOW.plusSeconds(120))))),
                forged("wrong aud", "names none of", () -> issuer.token(RSA, NOW, h -> { }, c -> c.audience("https://other.example"))),
                forged("wrong iss", "iss https://evil.example is not", () -> issuer.token(RSA, NOW, h -> { }, c -> c.issuer("https://evil.example"))),
                forged("iss with a trailing slash", "/ is not", () -> issuer.token(RSA, NOW, h -> { }, c -> c.issuer(issuer.issuer() + "/"))),
                forged("typ JWT", "typ is JWT", () -> issuer.token(RSA, NOW, h -> h.type(JOSEObjectType.JWT), c -> { })),
                forged("no typ", "typ is null", () -> TestIssuer.sign(RSA, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(RSA.getKeyID()).build(),
                        issuer.claims(NOW).build())),
                forged("tampered payload", "signature does not verify", () -> {
                    String[] parts = issuer.token(RSA, NOW).split("\\.");
                    String payload = Base64URL.encode(issuer.claims(NOW).claim("scope", "jobs:read jobs:write admin").build()
                            .toString()).toString();
                    return parts[0] + "." + payload + "." + parts[2];
                }),
                forged("embedded jwk", "signature does not verify", () -> issuer.token(ATTACKER, NOW,
                        h -> h.keyID(RSA.getKeyID()).jwk(ATTACKER.toPublicJWK()), c -> { })),
                forged("jku pointing elsewhere", "no key attacker", () -> issuer.token(ATTACKER, NOW,
                        h -> h.jwkURL(attackerSite.jwksUri()), c -> { })),
                forged("x5u pointing elsewhere", "signature does not verify", () -> issuer.token(ATTACKER, NOW,
                        h -> h.x509CertURL(URI.create(attackerSite.issuer() + "/cert.pem")).keyID(RSA.getKeyID()), c -> { })),
                forged("ECDSA signature of zeros", "signature does not verify", () -> {
                    String[] parts = issuer.token(EC, NOW).split("\\.");
                    return parts[0] + "." + parts[1] + "." + Base64URL.encode(new byte[64]);
                }),
                forged("ES256 header on an RSA key", "no key rsa-1 for ES256", () -> {
                    String[] parts = issuer.token(RSA, NOW).split("\\.");
                    String header = Base64URL.encode(TestIssuer.header(RSA).build().toString()
                            .replace("RS256", "ES256")).toString();
                    return header + "." + parts[1] + "." + parts[2];
                }),
                forged("missing sub", "claim sub is missing", () -> issuer.token(RSA, NOW, h -> { }, c -> c.subject(null))),
                forged("missing client_id", "claim client_id is missing", () -> issuer.token(RSA, NOW, h -> { }, c -> c.claim("client_id", null))),
                forged("missing jti", "claim jti is missing", () -> issuer.token(RSA, NOW, h -> { }, c -> c.jwtID(null))),
                forged("missing exp", "claim exp is missing", () -> issuer.token(RSA, NOW, h -> { }, c -> c.expirationTime(null))),
                forged("missing iat", "claim iat is missing", () -> issuer.token(RSA, NOW, h -> { }, c -> c.issueTime(null))),
                forged("missing aud", "aud [] names none", () -> issuer.token(RSA, NOW, h -> { }, c -> c.audience((String) null))),
                forged("critical header", "critical header", () -> issuer.token(RSA, NOW,
                        h -> h.criticalParams(java.util.Set.of("exp")).customParam("exp", 1), c -> { })),
                forged("not a JWT", "not a signed JWT", () -> "abc.def.ghi"),
                forged("too long", "token longer than", () -> "a".repeat(HeaderCheck.MAX_TOKEN_LENGTH + 1)));
    }

    private interface Forgery {
        String make() throws Exception;
    }

    private static Arguments forged(String name, String reason, Forgery forgery) {
        return Arguments.of(name, reason, (Function<Void, String>) v -> {
            try {
                return forgery.make();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Each forgery with the reason it must be refused for, so that a refusal for an incidental flaw does not pass. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("forgeries")
    void verifyWhenForgedOrWrongThenInvalidToken(String name, String reason, Function<Void, String> forgery) {
        String token = forgery.apply(null);
        InvalidToken refused = assertThrows(InvalidToken.class, () -> verifier.verify(token), name);
        assertTrue(refused.getMessage().contains(reason), name + " refused for another reason: " + refused.getMessage());
    }

    @Test
    void verifyWhenTokenNamesAKeySetElsewhereThenThatSetIsNeverFetched() {
        assertThrows(InvalidToken.class, () -> verifier.verify(issuer.token(ATTACKER, NOW,
                h -> h.jwkURL(attackerSite.jwksUri()), c -> { })));
        assertEquals(0, attackerSite.jwksFetches());
    }
}
