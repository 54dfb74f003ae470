package dev.keycard.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.keycard.resource.testing.DPoPProofs;
import dev.keycard.resource.testing.MutableClock;
import dev.keycard.resource.testing.TestIssuer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every check of RFC 9449 §4.3 broken alone, each refused for its own reason, and what a
 * correct proof yields.
 */
class DPoPProofVerifierTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final String URL = "https://api.example/jobs";
    private static final URI TARGET = URI.create("https://api.example/jobs?page=2");
    private static final ECKey KEY = TestIssuer.ecKey("dpop");
    private static final ECKey OTHER = TestIssuer.ecKey("other");
    private static final byte[] NONCE_KEY = new byte[32];
    private static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

    private final MutableClock clock = new MutableClock(NOW);
    private final DPoPNonces nonces = DPoPNonces.create(NONCE_KEY, Duration.ofSeconds(60), clock);

    private DPoPProofVerifier verifier(boolean nonceRequired) {
        return DPoPProofVerifier.builder().clock(clock).nonces(nonces, nonceRequired).build();
    }

    private static String good() {
        return DPoPProofs.proof(KEY, "GET", URL, NOW, h -> { }, c -> { });
    }

    private static String claims(java.util.function.Consumer<JWTClaimsSet.Builder> claims) {
        return DPoPProofs.proof(KEY, "GET", URL, NOW, h -> { }, claims);
    }

    private static String header(java.util.function.Consumer<com.nimbusds.jose.JWSHeader.Builder> header) {
        return DPoPProofs.proof(KEY, "GET", URL, NOW, header, c -> { });
    }

    static Stream<Arguments> badProofs() throws Exception {
        ECKey p521 = new ECKeyGenerator(Curve.P_521).generate();
        OctetSequenceKey mac = new OctetSequenceKeyGenerator(256).generate();
        MACSigner macSigner = new MACSigner(mac);
        ECDSASigner p521Signer = new ECDSASigner(p521);
        String stale = DPoPNonces.create(NONCE_KEY, Duration.ofSeconds(60),
                java.time.Clock.fixed(NOW.minusSeconds(180), java.time.ZoneOffset.UTC)).current();
        String foreign = DPoPNonces.create(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
                20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}, Duration.ofSeconds(60),
                java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC)).current();
        return Stream.of(
                bad("no DPoP header", () -> List.of(), "no DPoP header"),
                bad("two DPoP headers", () -> List.of(good(), good()), "more than one DPoP header"),
                bad("not a JWT", () -> List.of("not-a-jwt"), "not a signed JWT"),
                bad("unsigned", () -> List.of(new PlainJWT(new JWTClaimsSet.Builder().claim("htm", "GET").build()).serialize()),
                        "not a signed JWT"),
                bad("typ absent", () -> List.of(header(h -> h.type(null))), "typ is absent"),
                bad("typ JWT", () -> List.of(header(h -> h.type(JOSEObjectType.JWT))), "expected dpop+jwt"),
                bad("typ at+jwt", () -> List.of(header(h -> h.type(new JOSEObjectType("at+jwt")))), "expected dpop+jwt"),
                bad("alg HS256", () -> List.of(DPoPProofs.proof(KEY, macSigner, JWSAlgorithm.HS256, "GET", URL, NOW,
                        h -> { }, c -> { })), "alg HS256 is not one of"),
                bad("alg ES512 not allowed", () -> List.of(DPoPProofs.proof(p521, p521Signer, JWSAlgorithm.ES512, "GET", URL, NOW,
                        h -> { }, c -> { })), "alg ES512 is not one of"),
                bad("crit header", () -> List.of(header(h -> h.criticalParams(Set.of("exp")).customParam("exp", 1))),
                        "critical header"),
                bad("no jwk", () -> List.of(header(h -> h.jwk(null))), "no jwk header"),
                bad("jwk is symmetric", () -> List.of(DPoPProofs.rawHeader(KEY, "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":"
                        + mac.toJSONString() + "}", "GET", URL, NOW)), "not a public key"),
                bad("jwk holds the private key", () -> List.of(DPoPProofs.rawHeader(KEY, "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":"
                        + KEY.toJSONString() + "}", "GET", URL, NOW)), "not a public key"),
                bad("signed by another key", () -> List.of(DPoPProofs.proof(KEY, DPoPProofs.signer(OTHER), JWSAlgorithm.ES256, "GET", URL, NOW,
                        h -> { }, c -> { })), "signature does not verify"),
                bad("no jti", () -> List.of(claims(c -> c.jwtID(null))), "no jti claim"),
                bad("jti not a string", () -> List.of(claims(c -> c.claim("jti", 7))), "registered types"),
                bad("no htm", () -> List.of(claims(c -> c.claim("htm", null))), "no htm claim"),
                bad("htm of another method", () -> List.of(claims(c -> c.claim("htm", "POST"))), "htm POST is not"),
                bad("no htu", () -> List.of(claims(c -> c.claim("htu", null))), "no htu claim"),
                bad("htu of another path", () -> List.of(claims(c -> c.claim("htu", "https://api.example/other"))),
                        "is not this request's URI"),
                bad("htu of another host", () -> List.of(claims(c -> c.claim("htu", "https://evil.example/jobs"))),
                        "is not this request's URI"),
                bad("htu over http", () -> List.of(claims(c -> c.claim("htu", "http://api.example/jobs"))),
                        "is not this request's URI"),
                bad("no iat", () -> List.of(claims(c -> c.issueTime(null))), "no iat claim"),
                bad("iat too old", () -> List.of(claims(c -> c.issueTime(Date.from(NOW.minusSeconds(120))))),
                        "older than 60 s"),
                bad("iat in the future", () -> List.of(claims(c -> c.issueTime(Date.from(NOW.plusSeconds(30))))),
                        "iat is in the future"),
                bad("stale nonce", () -> List.of(claims(c -> c.claim("nonce", stale))), "stale or not this server's"),
                bad("nonce of another server", () -> List.of(claims(c -> c.claim("nonce", foreign))),
                        "stale or not this server's"),
                bad("nonce not a string", () -> List.of(claims(c -> c.claim("nonce", 5))), "nonce is not a string"));
    }

    private static Arguments bad(String name, Supplier<List<String>> headers, String reason) {
        return Arguments.of(name, headers, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badProofs")
    void proofWhenOneCheckBrokenThenRefusedForThatReason(String name, Supplier<List<String>> headers, String reason) {
        DPoPProofException e = assertThrows(DPoPProofException.class,
                () -> verifier(false).verify(headers.get(), "GET", TARGET, null));
        assertTrue(e.getMessage().contains(reason), name + ": " + e.getMessage());
        assertTrue(e.getMessage().chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f), e.getMessage());
        assertEquals(name.contains("nonce") && !name.contains("string") ? "use_dpop_nonce" : "invalid_dpop_proof", e.error());
    }

    @Test
    void proofWhenCorrectThenItsKeyThumbprintIsReturned() throws Exception {
        DPoPProof proof = verifier(false).verify(List.of(good()), "GET", TARGET, null);
        assertEquals(KEY.toPublicJWK().computeThumbprint().toString(), proof.jwkThumbprint());
        assertEquals(NOW, proof.issuedAt());
    }

    @Test
    void proofWhenSentTwiceThenTheSecondIsAReplay() {
        DPoPProofVerifier v = verifier(false);
        String proof = good();
        v.verify(List.of(proof), "GET", TARGET, null);
        DPoPProofException e = assertThrows(DPoPProofException.class, () -> v.verify(List.of(proof), "GET", TARGET, null));
        assertTrue(e.getMessage().contains("jti was used before"), e.getMessage());
    }

    @Test
    void htuWhenNormalisedDifferentlyThenStillMatches() {
        DPoPProofVerifier v = verifier(false);
        for (String htu : List.of("HTTPS://API.example:443/jobs", "https://api.example/%6aobs", "https://api.example/jobs#x")) {
            v.verify(List.of(claims(c -> c.claim("htu", htu))), "GET", TARGET, null);
        }
        assertFalse(DPoPProofVerifier.sameTarget("https://api.example/Jobs", TARGET));
        assertTrue(DPoPProofVerifier.sameTarget("https://api.example", URI.create("https://api.example/")));
    }

    @Test
    void nonceWhenRequiredThenAbsentIsUseNonceAndTheCurrentOnePasses() {
        DPoPProofVerifier v = verifier(true);
        DPoPProofException e = assertThrows(DPoPProofException.class, () -> v.verify(List.of(good()), "GET", TARGET, null));
        assertTrue(e.useNonce(), e.getMessage());
        String nonce = v.currentNonce().orElseThrow();
        assertEquals(nonce, v.verify(List.of(claims(c -> c.claim("nonce", nonce))), "GET", TARGET, null).nonce().orElseThrow());
        clock.advance(Duration.ofSeconds(60)); // the next step: still accepted
        v.verify(List.of(claims(c -> c.claim("nonce", nonce).issueTime(Date.from(clock.instant())))), "GET", TARGET, null);
        clock.advance(Duration.ofSeconds(60)); // two steps on: stale
        assertTrue(assertThrows(DPoPProofException.class, () -> v.verify(List.of(claims(c -> c.claim("nonce", nonce)
                .issueTime(Date.from(clock.instant())))), "GET", TARGET, null)).useNonce());
    }

    @Test
    void headerCacheWhenAHeaderVerifiedBeforeThenTheNextProofsWithItAreStillCheckedInFull() throws Exception {
        DPoPProofVerifier v = verifier(false);
        String first = good();
        String header = first.substring(0, first.indexOf('.'));
        v.verify(List.of(first), "GET", TARGET, null); // its header is now known
        // The same header, signed by someone else: the header is known, the signature still checked.
        String forged = DPoPProofs.proof(KEY, new ECDSASigner(OTHER), JWSAlgorithm.ES256, "GET", URL, NOW, h -> { },
                c -> { });
        assertEquals(header, forged.substring(0, forged.indexOf('.')), "the forged proof reuses the known header");
        assertTrue(assertThrows(DPoPProofException.class, () -> v.verify(List.of(forged), "GET", TARGET, null))
                .getMessage().contains("signature does not verify"));
        String second = good();
        String[] parts = second.split("\\.");
        String otherClaims = claims(c -> c.claim("htm", "GET").jwtID("swapped"));
        String swapped = parts[0] + "." + otherClaims.split("\\.")[1] + "." + parts[2];
        assertTrue(assertThrows(DPoPProofException.class, () -> v.verify(List.of(swapped), "GET", TARGET, null))
                .getMessage().contains("signature does not verify"), "claims from another proof under a known header");
        assertTrue(assertThrows(DPoPProofException.class, () -> v.verify(List.of(second + ".x"), "GET", TARGET, null))
                .getMessage().contains("not a signed JWT"));
        assertTrue(assertThrows(DPoPProofException.class, () -> v.verify(List.of(parts[0] + ".e30." + parts[2]), "GET",
                TARGET, null)).getMessage().contains("no jti claim"), "claims are checked before the signature");
        assertTrue(assertThrows(DPoPProofException.class, () -> v.verify(List.of(claims(c -> c.claim("htm", "POST"))),
                "GET", TARGET, null)).getMessage().contains("htm POST"));
        assertEquals(KEY.toPublicJWK().computeThumbprint().toString(),
                v.verify(List.of(second), "GET", TARGET, null).jwkThumbprint(), "and a real one passes");
    }

    @Test
    void keyCacheWhenAForgedProofNamesAnotherAlgForTheKeyThenTheRealProofsStillVerify() throws Exception {
        DPoPProofVerifier v = verifier(false);
        com.nimbusds.jose.jwk.RSAKey rsa = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).generate();
        com.nimbusds.jose.jwk.RSAKey stranger = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).generate();
        // Someone who saw the client's public key sends it with "alg":"PS512" and a signature of their own.
        com.nimbusds.jose.jwk.RSAKey withAlg = new com.nimbusds.jose.jwk.RSAKey.Builder(rsa.toRSAPublicKey())
                .algorithm(JWSAlgorithm.PS512).build();
        String forged = rsaProof(withAlg, stranger, JWSAlgorithm.PS256);
        assertThrows(DPoPProofException.class, () -> v.verify(List.of(forged), "GET", TARGET, null));
        v.verify(List.of(rsaProof(rsa.toPublicJWK(), rsa, JWSAlgorithm.RS256)), "GET", TARGET, null);
    }

    private static String rsaProof(com.nimbusds.jose.jwk.JWK headerKey, com.nimbusds.jose.jwk.RSAKey signer,
                                   JWSAlgorithm alg) throws Exception {
        com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(alg)
                .type(new JOSEObjectType("dpop+jwt")).jwk(headerKey).build(), new JWTClaimsSet.Builder()
                .jwtID(java.util.UUID.randomUUID().toString()).claim("htm", "GET").claim("htu", URL)
                .issueTime(Date.from(NOW)).build());
        jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(signer));
        return jwt.serialize();
    }

    @Test
    void athWhenAccessTokenPresentedThenRequiredAndMatched() {
        DPoPProofVerifier v = verifier(false);
        String ath = DPoPProofVerifier.tokenHash(TOKEN);
        v.verify(List.of(claims(c -> c.claim("ath", ath))), "GET", TARGET, TOKEN);
        assertTrue(assertThrows(DPoPProofException.class, () -> v.verify(List.of(good()), "GET", TARGET, TOKEN))
                .getMessage().contains("no ath claim"));
        assertTrue(assertThrows(DPoPProofException.class, () -> v.verify(List.of(claims(c -> c.claim("ath",
                DPoPProofVerifier.tokenHash(TOKEN + "x")))), "GET", TARGET, TOKEN)).getMessage().contains("ath is not the hash"));
    }

    @Test
    void proofWhenSignedByAKeyTheTokenIsNotBoundToThenRefusedBeforeItsJtiIsRecorded() throws Exception {
        DPoPProofVerifier v = verifier(false);
        String proof = good();
        String other = OTHER.toPublicJWK().computeThumbprint().toString();
        assertTrue(assertThrows(DPoPProofException.class, () -> v.verify(List.of(proof), "GET", TARGET, null, other))
                .getMessage().contains("not bound to"));
        DPoPProof accepted = v.verify(List.of(proof), "GET", TARGET, null, KEY.toPublicJWK().computeThumbprint().toString());
        assertEquals(KEY.toPublicJWK().computeThumbprint().toString(), accepted.jwkThumbprint(),
                "the refused attempt left no record of the jti");
    }

    @Test
    void replayRecordWhenFullOfLiveProofsThenAForgottenProofIsRefusedAndAFreshOneAccepted() {
        DPoPProofVerifier v = DPoPProofVerifier.builder().clock(clock).replayCacheSize(4).build();
        List<String> older = new java.util.ArrayList<>();
        for (int age : new int[] {40, 30, 20, 10}) {
            older.add(DPoPProofs.proof(KEY, "GET", URL, NOW.minusSeconds(age), h -> { }, c -> { }));
            v.verify(List.of(older.get(older.size() - 1)), "GET", TARGET, null);
        }
        v.verify(List.of(good()), "GET", TARGET, null); // the record is full: the older half is forgotten

        DPoPProofException forgotten = assertThrows(DPoPProofException.class,
                () -> v.verify(List.of(older.get(0)), "GET", TARGET, null));
        assertTrue(forgotten.getMessage().contains("older than this server's replay record"), forgotten.getMessage());
        assertTrue(assertThrows(DPoPProofException.class, () -> v.verify(List.of(older.get(3)), "GET", TARGET, null))
                .getMessage().contains("jti was used before"), "a proof still remembered is a replay");
        v.verify(List.of(good()), "GET", TARGET, null);
        v.verify(List.of(good()), "GET", TARGET, null);
    }

    @Test
    void replayRecordWhenFullOfProofsOfThisSecondThenItGrowsRatherThanRefuseFreshOnesAndAheadDatedOnesDoNotCrowdThem() {
        DPoPProofVerifier v = DPoPProofVerifier.builder().clock(clock).replayCacheSize(4).build();
        List<String> ahead = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ahead.add(DPoPProofs.proof(KEY, "GET", URL, NOW.plusSeconds(5), h -> { }, c -> { })); // within the skew
            v.verify(List.of(ahead.get(i)), "GET", TARGET, null);
        }
        String fresh = good();
        v.verify(List.of(fresh), "GET", TARGET, null); // full, and nothing closes before a proof made now
        v.verify(List.of(good()), "GET", TARGET, null);
        assertTrue(assertThrows(DPoPProofException.class, () -> v.verify(List.of(ahead.get(0)), "GET", TARGET, null))
                .getMessage().contains("jti was used before"), "nothing was forgotten");
        assertTrue(assertThrows(DPoPProofException.class, () -> v.verify(List.of(fresh), "GET", TARGET, null))
                .getMessage().contains("jti was used before"));
    }
}
