package dev.keycard.server.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditLimiterTest {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void admitWhenRepeatedWithinWindowThenHeldBackAndCountedByTheNextThatPasses() {
        AuditLimiter limiter = new AuditLimiter(Duration.ofMinutes(1), 10);

        assertEquals(0, limiter.admit("sec_1", T0));
        assertEquals(-1, limiter.admit("sec_1", T0.plusSeconds(10)));
        assertEquals(-1, limiter.admit("sec_1", T0.plusSeconds(59)));
        assertEquals(0, limiter.admit("sec_2", T0.plusSeconds(59)), "another key has its own window");
        assertEquals(2, limiter.admit("sec_1", T0.plusSeconds(60)), "passes after the window, telling of 2 held back");
        assertEquals(-1, limiter.admit("sec_1", T0.plusSeconds(61)));
    }

    @Test
    void admitWhenTooManyKeysInTheirWindowThenNewKeysHeldBackUntilOldOnesExpire() {
        AuditLimiter limiter = new AuditLimiter(Duration.ofMinutes(1), 2);
        assertEquals(0, limiter.admit("a", T0));
        assertEquals(0, limiter.admit("b", T0));

        assertEquals(-1, limiter.admit("c", T0.plusSeconds(5)), "no room: memory stays bounded");
        assertEquals(0, limiter.admit("c", T0.plusSeconds(61)), "a and b have left their window");
    }
}
