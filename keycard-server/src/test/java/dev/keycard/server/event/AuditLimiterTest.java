package dev.keycard.server.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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

    @Test
    void closeWindowsWhenABurstIsFollowedBySilenceThenItsHeldCountIsReportedOnce() {
        AuditLimiter limiter = new AuditLimiter(Duration.ofMinutes(1), 10);
        assertEquals(0, limiter.admit("a", T0));
        for (int i = 1; i <= 4; i++) {
            assertEquals(-1, limiter.admit("a", T0.plusSeconds(i)));
        }
        assertEquals(0, limiter.admit("quiet", T0));

        assertEquals(Map.of(), limiter.closeWindows(T0.plusSeconds(59)), "the window is still open");
        assertEquals(Map.of("a", 4L), limiter.closeWindows(T0.plusSeconds(60)), "quiet held nothing back");
        assertEquals(Map.of(), limiter.closeWindows(T0.plusSeconds(65)), "reported once");
        assertEquals(-1, limiter.admit("a", T0.plusSeconds(70)), "the summary was the line of its minute");
        assertEquals(Map.of("a", 1L), limiter.closeWindows(T0.plusSeconds(121)));
        assertEquals(0, limiter.admit("quiet", T0.plusSeconds(121)), "forgotten, so a fresh first event");
    }
}
