package dev.keycard.server.registry;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The latest use of one credential or scope on this node (epoch milliseconds, 0: none), and the
 * time last handed out to be written: the rule the usage flush ({@code client.SecretUsage},
 * {@code client.ScopeUsage}) applies to what it writes ({@code secret.last-used-resolution},
 * decisions 42). Noting a use only moves a number, so the token path allocates nothing once the
 * holder exists. Held by a client's {@link ClientUse}.
 */
public final class LastUse extends AtomicLong {

    private volatile long written;

    /**
     * Moves the time to {@code millis} when that is at least {@code step} milliseconds later.
     *
     * @return whether it moved
     */
    public boolean note(long millis, long step) {
        long seen = get();
        while (millis - seen >= step) {
            if (compareAndSet(seen, millis)) {
                return true;
            }
            seen = get();
        }
        return false;
    }

    /**
     * The time to write now, handed out, or 0 for none: a time that moved since it was last handed
     * out, when none was handed out yet or the one that was is not later than {@code writtenBefore}.
     */
    public long due(long writtenBefore) {
        long at = get();
        long last = written;
        if (at == last || (last != 0 && last > writtenBefore)) {
            return 0;
        }
        written = at;
        return at;
    }

    /** Whether the latest time is the one handed out: nothing waits to be written. */
    public boolean settled() {
        return get() == written;
    }

    /** A write of what was handed out failed: the next {@link #due} hands the latest out again. */
    public void unwritten() {
        written = 0;
    }
}
