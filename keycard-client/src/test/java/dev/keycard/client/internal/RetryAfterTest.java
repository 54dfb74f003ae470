package dev.keycard.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Retry-After (RFC 9110 §10.2.3) and the metadata location (RFC 8414 §3.1). */
class RetryAfterTest {

    final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void parseWhenDelaySecondsThenThatDelay() {
        assertEquals(Duration.ofSeconds(120), RetryAfter.parse(" 120 ", clock));
        assertEquals(Duration.ofDays(365), RetryAfter.parse("99999999999999999999999", clock));
    }

    @Test
    void parseWhenHttpDateThenTimeUntilIt() {
        assertEquals(Duration.ofSeconds(90), RetryAfter.parse("Sun, 01 Mar 2026 12:01:30 GMT", clock));
        assertEquals(Duration.ZERO, RetryAfter.parse("Sun, 01 Mar 2026 11:00:00 GMT", clock));
    }

    @Test
    void parseWhenAbsentOrGarbageThenNull() {
        assertNull(RetryAfter.parse(null, clock));
        assertNull(RetryAfter.parse("soon", clock));
        assertNull(RetryAfter.parse("-5", clock));
    }

    @Test
    void metadataUriWhenIssuerHasPathThenWellKnownInsertedBeforeIt() {
        assertEquals(URI.create("https://as.example/.well-known/oauth-authorization-server"),
                MetadataDiscovery.metadataUri(URI.create("https://as.example")));
        assertEquals(URI.create("https://as.example:8443/.well-known/oauth-authorization-server/tenant/a"),
                MetadataDiscovery.metadataUri(URI.create("https://as.example:8443/tenant/a/")));
    }

    @Test
    void backoffWhenAttemptsFailThenDoublesUpToTheLimitWithJitter() {
        Retrier fixed = new Retrier(10, Duration.ofMillis(200), Duration.ofSeconds(1), () -> 0L);
        assertEquals(Duration.ofMillis(100), fixed.backoff(1));
        assertEquals(Duration.ofMillis(200), fixed.backoff(2));
        assertEquals(Duration.ofMillis(400), fixed.backoff(3));
        assertEquals(Duration.ofMillis(500), fixed.backoff(4));
        assertEquals(Duration.ofMillis(500), fixed.backoff(60));
        Retrier high = new Retrier(10, Duration.ofMillis(200), Duration.ofSeconds(1), () -> -1L);
        assertEquals(199, high.backoff(1).toMillis());
    }
}
