package dev.keycard.server.event;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one audit event per key (a secret id, a client id) per window, so a client that keeps
 * using an old secret, or keeps failing, writes one line a minute instead of one per request. The
 * event that passes tells how many were held back since the last one. Keys are bounded: while
 * {@code maxKeys} keys are inside their window, a new key is held back too, so random client ids
 * cannot grow memory or flood the log (those events are lost, not counted). {@link #closeWindows} reports what a window held back when
 * no later event came to tell of it.
 */
final class AuditLimiter {

    private final Duration window;
    private final int maxKeys;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private volatile Instant purgedAt = Instant.MIN;

    AuditLimiter(Duration window, int maxKeys) {
        this.window = window;
        this.maxKeys = maxKeys;
    }

    /**
     * @return -1 when the event for {@code key} is held back; else how many events for it were held
     *     back since the last one that passed
     */
    long admit(String key, Instant now) {
        Slot slot = slots.get(key);
        if (slot == null) {
            if (slots.size() >= maxKeys && !purge(now)) {
                return -1;
            }
            slot = slots.putIfAbsent(key, new Slot(now));
            if (slot == null) {
                return 0;
            }
        }
        synchronized (slot) {
            if (now.isBefore(slot.passedAt.plus(window))) {
                slot.held++;
                return -1;
            }
            long held = slot.held;
            slot.held = 0;
            slot.passedAt = now;
            return held;
        }
    }

    /**
     * Closes the windows that have passed: for each key that held events back in a window now over,
     * how many, so that a burst followed by silence is still accounted for. Such a key starts a new
     * window now (a summary counts as the line of its minute); a key whose window passed with
     * nothing held back is forgotten.
     */
    Map<String, Long> closeWindows(Instant now) {
        Map<String, Long> held = new LinkedHashMap<>();
        Instant cutoff = now.minus(window);
        slots.entrySet().removeIf(e -> {
            Slot s = e.getValue();
            synchronized (s) {
                if (s.passedAt.isAfter(cutoff)) {
                    return false;
                }
                if (s.held == 0) {
                    return true;
                }
                held.put(e.getKey(), s.held);
                s.held = 0;
                s.passedAt = now;
                return false;
            }
        });
        return held;
    }

    /** Forgets keys past their window, at most once a second; whether there is room now. */
    private boolean purge(Instant now) {
        if (now.isAfter(purgedAt.plusSeconds(1))) {
            purgedAt = now;
            Instant cutoff = now.minus(window);
            slots.values().removeIf(s -> {
                synchronized (s) {
                    return !s.passedAt.isAfter(cutoff) && s.held == 0; // held counts wait for closeWindows
                }
            });
        }
        return slots.size() < maxKeys;
    }

    private static final class Slot {
        Instant passedAt;
        long held;

        Slot(Instant passedAt) {
            this.passedAt = passedAt;
        }
    }
}
