package dev.keycard.server.event;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one audit event per key (a secret id, a client id) per window, so a client that keeps
 * using an old secret, or keeps failing, writes one line a minute instead of one per request. The
 * event that passes tells how many were held back since the last one. Keys are bounded: while
 * {@code maxKeys} keys are inside their window, a new key is held back too, so random client ids
 * cannot grow memory or flood the log.
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

    /** Forgets keys past their window, at most once a second; whether there is room now. */
    private boolean purge(Instant now) {
        if (now.isAfter(purgedAt.plusSeconds(1))) {
            purgedAt = now;
            Instant cutoff = now.minus(window);
            slots.values().removeIf(s -> {
                synchronized (s) {
                    return !s.passedAt.isAfter(cutoff);
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
