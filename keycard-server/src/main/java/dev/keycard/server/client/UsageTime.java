package dev.keycard.server.client;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The latest use of one credential or scope (epoch milliseconds, 0: none), and the time last
 * handed out to be written: the rule {@link SecretUsage} and {@link ScopeUsage} share for what a
 * flush writes ({@code secret.last-used-resolution}, decisions 42). Noting a use only moves a
 * number, so the token path allocates nothing once the holder exists.
 */
final class UsageTime extends AtomicLong {

    private volatile long written;

    /** Moves the time to {@code millis} when that is at least {@code step} milliseconds later. */
    void note(long millis, long step) {
        long seen = get();
        while (millis - seen >= step && !compareAndSet(seen, millis)) {
            seen = get();
        }
    }

    /**
     * The time to write now, handed out, or 0 for none: a time that moved since it was last handed
     * out, when none was handed out yet or the one that was is not later than {@code writtenBefore}.
     */
    long due(long writtenBefore) {
        long at = get();
        long last = written;
        if (at == last || (last != 0 && last > writtenBefore)) {
            return 0;
        }
        written = at;
        return at;
    }

    /** Whether the latest time is the one handed out: nothing waits to be written. */
    boolean settled() {
        return get() == written;
    }

    /** A write of what was handed out failed: the next {@link #due} hands the latest out again. */
    void unwritten() {
        written = 0;
    }
}
