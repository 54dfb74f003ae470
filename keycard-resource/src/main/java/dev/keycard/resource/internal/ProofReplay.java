package dev.keycard.resource.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The DPoP proofs this process accepted lately, by key thumbprint and {@code jti}, each kept until
 * its window closes, so that a proof is used once (RFC 9449 §11.1). Bounded without opening a
 * replay: a full record first sheds what has expired, then, if still full, forgets the older half
 * and from then on refuses every proof whose window closes no later than the newest one forgotten
 * ({@link Use#TOO_OLD}). A replay of a forgotten proof is such a proof; a proof made when it is
 * sent closes later than anything forgotten, as the newest proofs are never forgotten (with
 * nothing older to forget, the record grows past its size instead).
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
    /** After a shed that could forget nothing, when to try again. */
    private volatile long noShedBefore = Long.MIN_VALUE;

    public ProofReplay(int maxSize) {
        this.maxSize = maxSize;
    }

    /** Records the use of the same key's {@code jti}, accepted until {@code untilMillis}. */
    public Use firstUse(String thumbprint, String jti, long untilMillis, long nowMillis) {
        if (seen.size() >= maxSize && nowMillis >= noShedBefore) {
            shed(nowMillis);
        }
        Use[] use = {Use.REPLAYED};
        seen.compute(thumbprint + ' ' + jti, (k, held) -> { // a thumbprint is base64url: no space
            if (held != null && held > nowMillis) {
                return held;
            }
            // Read under the entry's lock: a shed that removed it raised the floor before, so a
            // replay of what it forgot is refused here, never taken for a first use.
            if (untilMillis <= forgottenUntil) {
                use[0] = Use.TOO_OLD;
                return held;
            }
            use[0] = Use.FIRST;
            return untilMillis;
        });
        return use[0];
    }

    private synchronized void shed(long nowMillis) {
        if (seen.size() < maxSize) {
            return; // another thread shed meanwhile
        }
        // Raised before any entry goes, here for the expired ones: a thread whose clock reading is
        // older than this one's would otherwise take one of them for a first use.
        forgottenUntil = Math.max(forgottenUntil, nowMillis);
        seen.values().removeIf(until -> until <= nowMillis);
        if (seen.size() >= maxSize) {
            long[] untils = seen.values().stream().mapToLong(Long::longValue).sorted().toArray();
            long cut = untils[untils.length / 2];
            if (cut == untils[untils.length - 1]) {
                // The newer half all close with the newest (proofs of this second): forget only what
                // closes before them, so that proofs made now are still taken; with nothing older,
                // the record grows past its size for now rather than refuse them.
                int below = java.util.Arrays.binarySearch(untils, cut);
                while (below > 0 && untils[below - 1] == cut) {
                    below--;
                }
                if (below == 0) {
                    noShedBefore = nowMillis + 1_000; // not sorted again on every proof of this second
                    return;
                }
                cut = untils[below - 1];
            }
            forgottenUntil = Math.max(forgottenUntil, cut);
            long forget = cut;
            seen.values().removeIf(until -> until <= forget);
        }
    }

    public int size() {
        return seen.size();
    }
}
