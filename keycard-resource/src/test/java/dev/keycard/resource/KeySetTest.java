package dev.keycard.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.RSAKey;
import dev.keycard.resource.TokenVerificationException.InvalidToken;
import dev.keycard.resource.TokenVerificationException.KeysUnavailable;
import dev.keycard.resource.testing.MutableClock;
import dev.keycard.resource.testing.TestIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the verifier keeps the issuer's key set: follows rotation without a restart, fetches on an
 * unknown kid at most once per 30 s, keeps the last good set through an outage, bounds what it
 * reads, and remembers verified tokens until their exp.
 */
class KeySetTest {

    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");
    private static final RSAKey OLD = TestIssuer.rsaKey("2026-11-old");
    private static final RSAKey NEW = TestIssuer.rsaKey("2026-11-new");

    private final MutableClock clock = new MutableClock(T0);
    private final TestIssuer issuer = TestIssuer.start();
    private AccessTokenVerifier verifier = verifier(10_000);

    private AccessTokenVerifier verifier(int cacheSize) {
        return AccessTokenVerifier.builder().issuer(issuer.issuer()).audiences(TestIssuer.AUDIENCE)
                .clock(clock).verifiedTokenCacheSize(cacheSize).build();
    }

    @AfterEach
    void stop() {
        verifier.close();
        issuer.close();
    }

    @Test
    void verifyWhenIssuerRotatesKeysThenNewKeyIsLearntAndRemovedKeyIsNoLongerTrusted() {
        issuer.publish(OLD);
        String before = issuer.token(OLD, clock.instant());
        verifier.verify(before);

        issuer.publish(NEW);
        clock.advance(Duration.ofSeconds(31));
        VerifiedToken after = verifier.verify(issuer.token(NEW, clock.instant()));
        assertEquals("batch-worker", after.clientId());
        assertEquals(2, issuer.jwksFetches());

        issuer.unpublish(OLD);
        clock.advance(Duration.ofSeconds(31));
        assertThrows(InvalidToken.class, () -> verifier.verify(issuer.token(TestIssuer.rsaKey("third"), clock.instant())));
        assertEquals(3, issuer.jwksFetches(), "an unknown kid after 30 s fetches again");
        InvalidToken refused = assertThrows(InvalidToken.class, () -> verifier.verify(before));
        assertTrue(refused.getMessage().contains("no key 2026-11-old"), refused.getMessage());
    }

    @Test
    void verifyWhenUnknownKidsArriveWithin30SecondsThenKeySetIsFetchedOnce() {
        issuer.publish(OLD);
        verifier.verify(issuer.token(OLD, clock.instant()));
        for (int i = 0; i < 20; i++) {
            String forged = issuer.token(TestIssuer.rsaKey("random-" + i), clock.instant());
            assertThrows(InvalidToken.class, () -> verifier.verify(forged));
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(1, issuer.jwksFetches());
    }

    @Test
    void verifyWhenKeySetAgesThenItIsRefreshedAheadInTheBackground() throws Exception {
        issuer.publish(OLD);
        verifier.verify(issuer.token(OLD, clock.instant()));
        issuer.publish(NEW);
        clock.advance(Duration.ofSeconds(241)); // 80 % of the default 5 minutes
        verifier.verify(issuer.token(OLD, clock.instant()));
        for (int i = 0; i < 200 && issuer.jwksFetches() < 2; i++) {
            Thread.sleep(10);
        }
        Thread.sleep(50); // the fetched set is installed just after the response arrives
        assertEquals(2, issuer.jwksFetches());
        verifier.verify(issuer.token(NEW, clock.instant())); // known now, without an unknown-kid fetch
        assertEquals(2, issuer.jwksFetches());
    }

    @Test
    void verifyWhenKeySetServerFailsThenLastGoodSetKeepsServing() {
        issuer.publish(OLD);
        verifier.verify(issuer.token(OLD, clock.instant()));
        issuer.jwksStatus(503);
        for (int minute = 1; minute <= 30; minute++) {
            clock.advance(Duration.ofMinutes(1));
            assertEquals("batch-worker", verifier.verify(issuer.token(OLD, clock.instant())).clientId());
        }
        assertTrue(issuer.jwksFetches() > 1, "the verifier kept trying");
    }

    @Test
    void verifyWhenNoKeySetWasEverLoadedThenKeysUnavailableUntilTheIssuerRecovers() {
        issuer.publish(OLD);
        issuer.jwksStatus(500);
        String token = issuer.token(OLD, clock.instant());
        KeysUnavailable down = assertThrows(KeysUnavailable.class, () -> verifier.verify(token));
        assertTrue(down.getMessage().contains("HTTP 500"), down.getMessage());
        assertThrows(KeysUnavailable.class, () -> verifier.verify(token));
        assertEquals(1, issuer.jwksFetches(), "retried only after a back-off");

        issuer.jwksStatus(200);
        clock.advance(Duration.ofSeconds(2));
        assertEquals("batch-worker", verifier.verify(token).clientId());
    }

    @Test
    void verifyWhenKeySetIsLargerThanTheLimitThenItIsNotRead() {
        issuer.publish(OLD);
        issuer.jwksBody("{\"keys\":[],\"padding\":\"" + "x".repeat(300 * 1024) + "\"}");
        KeysUnavailable refused = assertThrows(KeysUnavailable.class, () -> verifier.verify(issuer.token(OLD, clock.instant())));
        assertTrue(refused.getMessage().contains("larger than"), refused.getMessage());
    }

    @Test
    void verifyWhenMetadataNamesAnotherIssuerThenItsKeysAreNotUsed() {
        issuer.publish(OLD);
        issuer.metadataIssuer("https://evil.example");
        KeysUnavailable refused = assertThrows(KeysUnavailable.class, () -> verifier.verify(issuer.token(OLD, clock.instant())));
        assertTrue(refused.getMessage().contains("names issuer https://evil.example"), refused.getMessage());
        assertEquals(0, issuer.jwksFetches());
    }

    @Test
    void verifyWhenSameTokenAgainThenServedFromCacheUntilExp() {
        issuer.publish(OLD);
        String token = issuer.token(OLD, clock.instant());
        VerifiedToken first = verifier.verify(token);
        assertSame(first, verifier.verify(token));
        assertSame(first, verifier.verifyAsync(token).join());

        clock.advance(Duration.ofSeconds(300)); // at exp: the entry is dropped, the skew still admits it
        VerifiedToken again = verifier.verify(token);
        assertNotSame(first, again);
        clock.advance(Duration.ofSeconds(60));
        assertThrows(InvalidToken.class, () -> verifier.verify(token));
    }

    @Test
    void verifyWhenManyTokensThenCacheStaysBounded() {
        verifier.close();
        verifier = verifier(8);
        issuer.publish(OLD);
        for (int i = 0; i < 40; i++) {
            verifier.verify(issuer.token(OLD, clock.instant()));
            assertTrue(verifier.cachedTokens() <= 8, "cache holds " + verifier.cachedTokens());
        }
        assertTrue(verifier.cachedTokens() > 0);
    }

    @Test
    void verifyWhenAKeyIsRemovedThenTokensAlreadyVerifiedWithItAreRefused() {
        issuer.publish(OLD).publish(NEW);
        String old = issuer.token(OLD, clock.instant(), h -> { }, c -> c.expirationTime(Date.from(clock.instant().plusSeconds(900))));
        verifier.verify(old);
        issuer.unpublish(OLD);
        clock.advance(Duration.ofSeconds(31));
        assertThrows(InvalidToken.class, () -> verifier.verify(issuer.token(TestIssuer.rsaKey("unknown"), clock.instant())));
        assertEquals(2, issuer.jwksFetches());
        assertThrows(InvalidToken.class, () -> verifier.verify(old));
    }
}
