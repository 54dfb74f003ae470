package dev.keycard.server.issue;

import static dev.keycard.server.testing.TestApis.JOBS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.OAuthException;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.protocol.TokenResponse;
import dev.keycard.server.api.AccessTokenType;
import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.keys.KeyRing;
import dev.keycard.server.keys.SigningKey;
import dev.keycard.server.keys.TestKeys;
import dev.keycard.server.registry.Client;
import dev.keycard.server.testing.TestApis;
import dev.keycard.server.testing.TestClients;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The issuer's claims and header (RFC 9068 §2): what a decision becomes, signed by the key the
 * ring chooses for the API's algorithm, on values in memory.
 */
class TokenIssuerTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final String ISSUER = "https://keycard.internal";
    static final SigningKey ES = TestKeys.key(SigningAlg.ES256, "es-1", NOW.minusSeconds(600));
    static final SigningKey ES_NEXT = TestKeys.key(SigningAlg.ES256, "es-2", NOW.plusSeconds(600));
    static final SigningKey RS = TestKeys.key(SigningAlg.RS256, "rs-1", NOW.minusSeconds(600));
    static final KeyRing RING = TestKeys.ring(NOW, ES, ES_NEXT, RS);
    static final Client WORKER = TestClients.batchWorker().grant(JOBS, "jobs:read", "jobs:write").build();

    final TokenIssuer issuer = new TokenIssuer(() -> RING, () -> ISSUER, new SecureRandom());

    static SignedJWT parse(TokenResponse response) throws Exception {
        return SignedJWT.parse(response.accessToken());
    }

    @Test
    void issueWhenDecidedThenClaimsSayWhoForWhatAndHowLong() throws Exception {
        Api jobs = TestApis.jobs().build();
        TokenResponse r = issuer.issue(new TokenDecision(WORKER, jobs, ScopeSet.of("jobs:read"), Duration.ofMinutes(5)),
                NOW);
        JWTClaimsSet claims = parse(r).getJWTClaimsSet();
        assertEquals(ISSUER, claims.getIssuer());
        assertEquals("batch-worker", claims.getSubject());
        assertEquals("batch-worker", claims.getStringClaim("client_id"));
        assertEquals(List.of(JOBS), claims.getAudience());
        assertEquals(Date.from(NOW), claims.getIssueTime());
        assertEquals(Date.from(NOW.plus(Duration.ofMinutes(5))), claims.getExpirationTime());
        assertEquals("jobs:read", claims.getStringClaim("scope"));
        assertEquals(16, Base64.getUrlDecoder().decode(claims.getJWTID()).length, "a jti of 128 random bits");
        assertEquals("Bearer", r.tokenType());
        assertEquals(300, r.expiresIn());
        assertEquals(ScopeSet.of("jobs:read"), r.scope());
    }

    @Test
    void issueWhenApiAlgAndTypeThenCurrentKeyOfThatAlgSignsWithThatType() throws Exception {
        SignedJWT es = parse(issuer.issue(new TokenDecision(WORKER, TestApis.jobs().build(), ScopeSet.of("jobs:read"),
                Duration.ofMinutes(5)), NOW));
        assertEquals("es-1", es.getHeader().getKeyID(), "not the next key, which signs nothing yet");
        assertEquals(new JOSEObjectType("at+jwt"), es.getHeader().getType());
        assertTrue(es.verify(ES.verifier()));

        Api legacy = TestApis.jobs().alg(SigningAlg.RS256).tokenType(AccessTokenType.JWT).build();
        SignedJWT rs = parse(issuer.issue(new TokenDecision(WORKER, legacy, ScopeSet.of("jobs:read"),
                Duration.ofMinutes(5)), NOW));
        assertEquals("rs-1", rs.getHeader().getKeyID());
        assertEquals(JOSEObjectType.JWT, rs.getHeader().getType());
        assertTrue(rs.verify(RS.verifier()));
    }

    @Test
    void issueWhenNoScopesThenNoScopeClaim() throws Exception {
        SignedJWT jwt = parse(issuer.issue(new TokenDecision(WORKER, TestApis.jobs().build(), ScopeSet.empty(),
                Duration.ofMinutes(5)), NOW));
        assertNull(jwt.getJWTClaimsSet().getClaim("scope"));
    }

    @Test
    void issueWhenTwiceThenTwoJtis() throws Exception {
        TokenDecision d = new TokenDecision(WORKER, TestApis.jobs().build(), ScopeSet.of("jobs:read"),
                Duration.ofMinutes(5));
        assertNotEquals(parse(issuer.issue(d, NOW)).getJWTClaimsSet().getJWTID(),
                parse(issuer.issue(d, NOW)).getJWTClaimsSet().getJWTID());
    }

    @Test
    void issueWhenNoKeyForTheAlgThenTemporarilyUnavailable() {
        Api eddsa = TestApis.jobs().alg(SigningAlg.EdDSA).build();
        OAuthException e = assertThrows(OAuthException.class, () -> issuer.issue(new TokenDecision(WORKER, eddsa,
                ScopeSet.of("jobs:read"), Duration.ofMinutes(5)), NOW));
        assertEquals(OAuthError.TEMPORARILY_UNAVAILABLE, e.error().error());
    }
}
