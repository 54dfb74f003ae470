package dev.keycard.resource.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The DPoP proofs this process accepted lately, by key thumbprint and {@code jti}, each kept until
 * its window closes, so that a proof is used once (RFC 9449 §11.1). Bounded without opening a
 * replay: a full record first sheds what has expired, then, if still full, forgets the older half
 * and from then on refuses every proof whose window closes no later than the newest one forgotten
 * ({@link Use#TOO_OLD}). A replay of a forgotten proof is such a proof; a client that makes each
 * proof when it sends it (iat = now) is not affected.
 */
public final class ProofReplay {

    /** What {@link #firstUse} found. */
    public enum Use {
        /** Not seen within its window: recorded now. */
        FIRST,
        /** Seen before, and its window is still open. */
        REPLAYED,
        /** Its window closes before what the record had to forget: it cannot be told from a replay. */
        TOO_OLD
    }

    private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();
    private final int maxSize;
    /** Proofs whose window closes at or before this were forgotten, or may have been. */
    private volatile long forgottenUntil = Long.MIN_VALUE;

    public ProofReplay(int maxSize) {
        this.maxSize = maxSize;
    }

    /** Records the use of the same key's {@code jti}, accepted until {@code untilMillis}. */
    public Use firstUse(String thumbprint, String jti, long untilMillis, long nowMillis) {
        if (seen.size() >= maxSize) {
            shed(nowMillis);
        }
        if (untilMillis <= forgottenUntil) {
            return Use.TOO_OLD;
        }
        boolean[] fresh = {false};
        seen.compute(thumbprint + ' ' + jti, (k, held) -> { // a thumbprint is base64url: no space
            if (held == null || held <= nowMillis) {
                fresh[0] = true;
                return untilMillis;
            }
            return held;
        });
        return fresh[0] ? Use.FIRST : Use.REPLAYED;
    }

    private synchronized void shed(long nowMillis) {
        if (seen.size() < maxSize) {
            return; // another thread shed meanwhile
        }
        seen.values().removeIf(until -> until <= nowMillis);
        if (seen.size() >= maxSize) {
            long median = seen.values().stream().sorted().skip(seen.size() / 2).findFirst().orElse(Long.MAX_VALUE);
            // Raised before the entries go: a replay racing with the shedding is refused, not missed.
            forgottenUntil = Math.max(forgottenUntil, median);
            seen.values().removeIf(until -> until <= median);
        }
    }

    public int size() {
        return seen.size();
    }
}
