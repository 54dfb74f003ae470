package dev.keycard.server.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.api.SigningAlg;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The key ring's choice of key, on keys in memory: per algorithm the latest key that has
 * activated signs; a next key is published but signs nothing; a replaced key stays published
 * until every token it signed has expired, then retires; a key removed by hand that had signed
 * still ends its predecessors.
 */
class KeyRingTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final SigningKey OLD = TestKeys.key(SigningAlg.ES256, "old", NOW.minus(Duration.ofDays(30)));
    static final SigningKey CURRENT = TestKeys.key(SigningAlg.ES256, "current", NOW.minus(Duration.ofMinutes(10)));
    static final SigningKey NEXT = TestKeys.key(SigningAlg.ES256, "next", NOW.plus(Duration.ofMinutes(5)));
    static final SigningKey RSA = TestKeys.key(SigningAlg.RS256, "rsa", NOW.minus(Duration.ofDays(1)));

    static Map<String, KeyRing.Status> statuses(KeyRing ring) {
        java.util.Map<String, KeyRing.Status> out = new java.util.LinkedHashMap<>();
        ring.entries().forEach(e -> out.put(e.key().kid(), e.status()));
        return out;
    }

    @Test
    void currentWhenSeveralKeysThenLatestActivatedOfEachAlg() {
        KeyRing ring = TestKeys.ring(NOW, OLD, NEXT, RSA, CURRENT);
        assertEquals(Optional.of(CURRENT), ring.current(SigningAlg.ES256));
        assertEquals(Optional.of(RSA), ring.current(SigningAlg.RS256));
        assertEquals(Optional.empty(), ring.current(SigningAlg.EdDSA));
        assertEquals(Map.of("old", KeyRing.Status.PREVIOUS, "current", KeyRing.Status.CURRENT,
                "next", KeyRing.Status.NEXT, "rsa", KeyRing.Status.CURRENT), statuses(ring));
    }

    @Test
    void ringWhenNextKeyThenPublishedAndSignsOnceActivated() {
        KeyRing before = TestKeys.ring(NOW, CURRENT, NEXT);
        assertTrue(before.byKid("next").isPresent());
        assertTrue(before.jwksJson().contains("\"kid\":\"next\""));
        assertEquals(Optional.of(NEXT.activatesAt()), before.nextChange());
        KeyRing after = TestKeys.ring(NEXT.activatesAt(), CURRENT, NEXT);
        assertEquals(Optional.of(NEXT), after.current(SigningAlg.ES256));
        assertEquals(KeyRing.Status.PREVIOUS, statuses(after).get("current"));
    }

    @Test
    void ringWhenKeyReplacedThenPublishedUntilItsTokensExpiredThenRetired() {
        Instant retires = CURRENT.activatesAt().plus(TestKeys.MAX_TOKEN_LIFETIME).plus(KeyRing.RETIRE_MARGIN);
        KeyRing stillPublished = TestKeys.ring(retires.minusSeconds(1), OLD, CURRENT);
        assertTrue(stillPublished.byKid("old").isPresent());
        assertEquals(Optional.of(retires), stillPublished.entries().get(0).retiresAt());
        KeyRing retired = TestKeys.ring(retires, OLD, CURRENT);
        assertEquals(KeyRing.Status.RETIRED, statuses(retired).get("old"));
        assertTrue(retired.byKid("old").isEmpty(), "a retired key verifies nothing");
        assertTrue(!retired.jwksJson().contains("\"kid\":\"old\""));
    }

    @Test
    void ringWhenSigningKeyRemovedThenItsPredecessorStaysRetired() {
        // "current" was removed by hand; its activation still ends "old", which must not sign again.
        KeyRing ring = new KeyRing(List.of(OLD), Map.of(SigningAlg.ES256, List.of(CURRENT.activatesAt())),
                NOW.plus(Duration.ofDays(1)), TestKeys.MAX_TOKEN_LIFETIME);
        assertEquals(Optional.empty(), ring.current(SigningAlg.ES256));
        assertEquals(KeyRing.Status.RETIRED, statuses(ring).get("old"));
    }

    @Test
    void currentWhenTwoKeysActivateTogetherThenTheLaterCreated() {
        SigningKey a = TestKeys.key(SigningAlg.ES256, "a", NOW.minusSeconds(30));
        SigningKey b = new SigningKey("b", SigningAlg.ES256, a.publicJwk(), a.signer(), a.verifier(),
                a.createdAt().plusSeconds(1), a.activatesAt());
        assertEquals(Optional.of(b), TestKeys.ring(NOW, b, a).current(SigningAlg.ES256));
    }
}
