package dev.keycard.server.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life of a signing key, driven by a clock the test moves: published before it signs, signing
 * for the rotation period, published after it stops signing until its last token has expired,
 * then retired; by hand, rotation and emergency removal.
 */
class KeyRotationTest {

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();

    private TestServer start() {
        return TestServer.start(dir, Map.of(), clock); // defaults: 30d period, 10m lead, 5m JWKS max-age, 1h max lifetime
    }

    private static String kidOfNewToken(Http http) throws Exception {
        return SignedJWT.parse(http.adminToken()).getHeader().getKeyID();
    }

    private static List<String> published(Http http) throws Exception {
        return JWKSet.parse(http.get("/oauth2/jwks").body()).getKeys().stream().map(k -> k.getKeyID()).toList();
    }

    @Test
    void tickWhenRotationPeriodPassesThenSuccessorIsPublishedFirstSignsAfterTheLeadAndOldRetiresAfterItsTokens()
            throws Exception {
        try (TestServer server = start()) {
            Http http = new Http(server.baseUri());
            KeyManager keys = server.server().keys();
            String first = kidOfNewToken(http);
            assertEquals(List.of(first), published(http));

            clock.advance(Duration.ofDays(30));
            keys.tick();
            List<String> both = published(http);
            assertEquals(2, both.size(), "the successor is published");
            String second = both.stream().filter(k -> !k.equals(first)).findFirst().orElseThrow();
            assertEquals(first, kidOfNewToken(http), "but does not sign before the publish lead has passed");

            clock.advance(Duration.ofMinutes(10));
            keys.tick();
            assertEquals(second, kidOfNewToken(http), "the successor signs after the lead");
            assertTrue(published(http).contains(first), "the old key stays while its tokens may live");

            clock.advance(Duration.ofHours(1));
            keys.tick();
            assertTrue(published(http).contains(first), "not before the longest lifetime plus the margin");
            clock.advance(KeyRing.RETIRE_MARGIN);
            keys.tick();
            assertEquals(List.of(second), published(http), "then retired");
            assertEquals(KeyRing.Status.RETIRED, keys.ring().entries().get(0).status());
        }
    }

    @Test
    void removeWhenTheCurrentKeyHadRetiredAnOlderOneThenTheOlderStaysRetiredAndANewKeySigns() throws Exception {
        try (TestServer server = start()) {
            Http http = new Http(server.baseUri());
            KeyManager keys = server.server().keys();
            String first = kidOfNewToken(http);
            String second = keys.rotate(Optional.empty()).get(0).kid();
            clock.advance(Duration.ofMinutes(10).plus(Duration.ofHours(2)));
            keys.tick();
            assertEquals(List.of(second), published(http), "the first key has retired");

            assertTrue(keys.remove(second));
            String third = kidOfNewToken(http);
            assertNotEquals(first, third, "a retired key must not come back to sign");
            assertNotEquals(second, third);
            assertEquals(List.of(third), published(http), "nor to be published");
        }
    }

    @Test
    void rotateWhenByHandThenSuccessorWaitsOutTheLeadAndASecondCallKeepsIt() throws Exception {
        try (TestServer server = start()) {
            Http http = new Http(server.baseUri());
            KeyManager keys = server.server().keys();
            String first = kidOfNewToken(http);
            List<SigningKey> next = keys.rotate(Optional.of(SigningAlg.RS256));
            assertEquals(1, next.size());
            assertEquals(next, keys.rotate(Optional.of(SigningAlg.RS256)), "one successor at a time");
            assertEquals(clock.instant().plus(Duration.ofMinutes(10)), next.get(0).activatesAt());
            assertEquals(first, kidOfNewToken(http));
            clock.advance(Duration.ofMinutes(10));
            keys.tick();
            assertEquals(next.get(0).kid(), kidOfNewToken(http));
        }
    }

    @Test
    void removeWhenKeyIsCompromisedThenOutOfJwksAtOnceAndANewKeySigns() throws Exception {
        try (TestServer server = start()) {
            Http http = new Http(server.baseUri());
            KeyManager keys = server.server().keys();
            String compromised = kidOfNewToken(http);
            String oldToken = http.adminToken();
            assertTrue(keys.remove(compromised));
            assertFalse(published(http).contains(compromised));
            String replacement = kidOfNewToken(http);
            assertNotEquals(compromised, replacement);
            assertEquals(List.of(replacement), published(http));
            HttpResponse<String> refused = http.send(http.request("/admin/v1/apis").header("Authorization", "Bearer " + oldToken).GET());
            assertEquals(401, refused.statusCode(), "its tokens are no longer accepted");
            assertFalse(keys.remove(compromised), "removed once");
            assertFalse(keys.remove("no-such-kid"));
        }
    }

    @Test
    void startWhenRestartedMidRotationThenTheScheduleIsKept() throws Exception {
        String first;
        String second;
        try (TestServer server = start()) {
            Http http = new Http(server.baseUri());
            first = kidOfNewToken(http);
            second = server.server().keys().rotate(Optional.empty()).get(0).kid();
        }
        try (TestServer server = start()) {
            Http http = new Http(server.baseUri());
            assertEquals(first, kidOfNewToken(http), "the successor still waits");
            assertEquals(2, published(http).size());
            clock.advance(Duration.ofMinutes(10));
            server.server().keys().tick();
            assertEquals(second, kidOfNewToken(http));
        }
    }

    @Test
    void jwksWhenServedThenCacheLifetimeIsTheConfiguredOne() throws Exception {
        try (TestServer server = TestServer.start(dir, Map.of("keys.jwks-max-age", "2m", "keys.publish-lead", "2m"), clock)) {
            HttpResponse<String> r = new Http(server.baseUri()).get("/oauth2/jwks");
            assertEquals("public, max-age=120", r.headers().firstValue("Cache-Control").orElseThrow());
        }
    }

    @Test
    void startWhenPublishLeadShorterThanJwksCacheThenRefusedNamingTheKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestServer.start(dir,
                Map.of("keys.publish-lead", "1m", "keys.jwks-max-age", "5m"), clock));
        assertTrue(e.getMessage().contains("keys.publish-lead (1m) must be at least keys.jwks-max-age (5m)"), e.getMessage());
    }
}
