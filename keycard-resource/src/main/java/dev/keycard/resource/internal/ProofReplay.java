package dev.keycard.resource.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The DPoP proofs this process accepted lately, by key thumbprint and {@code jti}, each kept until
 * its window closes, so that a proof is used once (RFC 9449 §11.1). Bounded: a full record first
 * sheds what has expired, then the oldest half by expiry, and a proof accepted by an evicted entry
 * could then be replayed within its window; size it above the proofs a window sees.
 */
public final class ProofReplay {

    private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();
    private final int maxSize;

    public ProofReplay(int maxSize) {
        this.maxSize = maxSize;
    }

    /** Records the use; false when the same key's {@code jti} was used before and its window is still open. */
    public boolean firstUse(String thumbprint, String jti, long untilMillis, long nowMillis) {
        if (seen.size() >= maxSize) {
            shed(nowMillis);
        }
        boolean[] fresh = {false};
        seen.compute(thumbprint + ' ' + jti, (k, held) -> { // a thumbprint is base64url: no space
            if (held == null || held <= nowMillis) {
                fresh[0] = true;
                return untilMillis;
            }
            return held;
        });
        return fresh[0];
    }

    private synchronized void shed(long nowMillis) {
        seen.values().removeIf(until -> until <= nowMillis);
        if (seen.size() >= maxSize) {
            long median = seen.values().stream().sorted().skip(seen.size() / 2).findFirst().orElse(Long.MAX_VALUE);
            seen.values().removeIf(until -> until <= median);
        }
    }

    public int size() {
        return seen.size();
    }
}
