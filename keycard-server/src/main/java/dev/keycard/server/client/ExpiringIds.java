package dev.keycard.server.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * 128-bit ids, each held until an expiry, kept in arrays of {@code long}s rather than as one map
 * entry, key and boxed value per id: the single-use ids a {@link JournaledReplay} holds, and the
 * client and address pairs {@link AuthThrottle} knows.
 *
 * <p>Half a million ids as {@code ConcurrentHashMap} entries were about 46 MB of small objects,
 * every one of them copied by the young collector while it was new and then carried in the old
 * generation; here an id is three {@code long}s in an open-addressing table (linear probing, at
 * most three quarters full), so the collector sees a few arrays. The ids are SHA-256 prefixes, so
 * their bits spread evenly: the top bits choose one of {@value #STRIPES} stripes, each with its
 * own lock and table, and the low bits the slot.
 */
final class ExpiringIds {

    /** What {@link #spend} found. */
    enum Outcome {
        /** Not held (or held and expired): now held until the new expiry. */
        FRESH,
        /** Held and not expired: a replay, or a use still in flight. */
        HELD,
        /** Not held, and no room: nothing was added. */
        FULL
    }

    private static final int STRIPES = 32;
    /** Slots a stripe starts with, and never shrinks below. */
    private static final int MIN_SLOTS = 64;
    /** The longs of one slot: the id's two halves and its expiry (epoch ms; 0 marks a free slot). */
    private static final int WIDTH = 3;

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final AtomicInteger size = new AtomicInteger();
    private final int max;

    /**
     * @param max the most ids {@link #spend} and {@link #holdWithin} let be held at once
     *     (approximately, across concurrent calls)
     */
    ExpiringIds(int max) {
        this.max = max;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /**
     * Holds {@code id} until {@code exp} unless it is held and has not expired at {@code now}.
     *
     * @param full told the expiry of an id turned away for want of room, before any other call
     *     on that id can proceed
     */
    Outcome spend(long high, long low, long exp, long now, LongConsumer full) {
        return stripe(high).spend(high, low, stored(exp), now, full);
    }

    /** Holds {@code id} until at least {@code exp}, whatever the bound (ids read back at start). */
    void hold(long high, long low, long exp) {
        stripe(high).hold(high, low, stored(exp), Integer.MAX_VALUE);
    }

    /**
     * Holds {@code id} until at least {@code exp} if it is held already or there is room.
     *
     * @return whether it is held now
     */
    boolean holdWithin(long high, long low, long exp) {
        return stripe(high).hold(high, low, stored(exp), max);
    }

    /** Until when {@code id} is held (epoch ms, perhaps already past), or 0 when it is not. */
    long until(long high, long low) {
        return stripe(high).until(high, low);
    }

    /** Lets go of {@code id} if it is held until exactly {@code exp} (a use that was not recorded). */
    void release(long high, long low, long exp) {
        stripe(high).release(high, low, stored(exp));
    }

    /** Lets go of every id expired at {@code now}. */
    void purge(long now) {
        for (Stripe s : stripes) {
            s.purge(now);
        }
    }

    /** How many ids are held, expired or not. */
    int size() {
        return size.get();
    }

    /**
     * An id for two strings: the first 128 bits of SHA-256 over the first, the separator and the
     * second, as two {@code long}s. The separator must be an ASCII character the first string never
     * holds, so that no two pairs run together the same way.
     */
    static long[] idOf(String first, char separator, String second) {
        if (separator > 0x7f) {
            throw new IllegalArgumentException("not an ASCII separator: " + (int) separator);
        }
        MessageDigest sha256 = Secrets.sha256();
        sha256.update(first.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) separator);
        ByteBuffer digest = ByteBuffer.wrap(sha256.digest(second.getBytes(StandardCharsets.UTF_8)));
        return new long[] {digest.getLong(), digest.getLong()};
    }

    private Stripe stripe(long high) {
        return stripes[(int) (high >>> 59)]; // 2^5 stripes
    }

    /** An expiry as a slot keeps it: 0 marks a free slot, and any expiry up to it is long past anyway. */
    private static long stored(long exp) {
        return Math.max(exp, 1);
    }

    private final class Stripe {
        private long[] slots = new long[MIN_SLOTS * WIDTH];
        private int used;

        private int capacity() {
            return slots.length / WIDTH;
        }

        /** The slot holding the id, or the free slot where it would go. */
        private int find(long[] table, long high, long low) {
            int mask = table.length / WIDTH - 1;
            int i = (int) low & mask;
            while (table[i * WIDTH + 2] != 0 && (table[i * WIDTH] != high || table[i * WIDTH + 1] != low)) {
                i = (i + 1) & mask;
            }
            return i;
        }

        synchronized Outcome spend(long high, long low, long exp, long now, LongConsumer full) {
            int i = find(slots, high, low);
            long held = slots[i * WIDTH + 2];
            if (held > now) {
                return Outcome.HELD;
            }
            if (held != 0) { // held, expired: its slot is reused
                slots[i * WIDTH + 2] = exp;
                return Outcome.FRESH;
            }
            if (size.get() >= max) {
                full.accept(exp);
                return Outcome.FULL;
            }
            put(i, high, low, exp);
            return Outcome.FRESH;
        }

        synchronized boolean hold(long high, long low, long exp, int bound) {
            int i = find(slots, high, low);
            if (slots[i * WIDTH + 2] != 0) {
                slots[i * WIDTH + 2] = Math.max(slots[i * WIDTH + 2], exp);
            } else if (size.get() < bound) {
                put(i, high, low, exp);
            } else {
                return false;
            }
            return true;
        }

        synchronized long until(long high, long low) {
            return slots[find(slots, high, low) * WIDTH + 2];
        }

        private void put(int i, long high, long low, long exp) {
            slots[i * WIDTH] = high;
            slots[i * WIDTH + 1] = low;
            slots[i * WIDTH + 2] = exp;
            used++;
            size.incrementAndGet();
            if (used * 4L > capacity() * 3L) {
                resize(capacity() * 2, Long.MIN_VALUE);
            }
        }

        synchronized void release(long high, long low, long exp) {
            int i = find(slots, high, low);
            if (slots[i * WIDTH + 2] != exp) {
                return;
            }
            // Linear probing's deletion: later ids of the same run move back into the hole they would have probed.
            int mask = capacity() - 1;
            int hole = i;
            for (int j = (i + 1) & mask; slots[j * WIDTH + 2] != 0; j = (j + 1) & mask) {
                int home = (int) slots[j * WIDTH + 1] & mask;
                if (((j - home) & mask) >= ((j - hole) & mask)) {
                    System.arraycopy(slots, j * WIDTH, slots, hole * WIDTH, WIDTH);
                    hole = j;
                }
            }
            slots[hole * WIDTH] = 0;
            slots[hole * WIDTH + 1] = 0;
            slots[hole * WIDTH + 2] = 0;
            used--;
            size.decrementAndGet();
        }

        synchronized void purge(long now) {
            int live = 0;
            for (int i = 0; i < capacity(); i++) {
                if (slots[i * WIDTH + 2] > now) {
                    live++;
                }
            }
            if (live == used) {
                return;
            }
            int capacity = capacity();
            while (capacity > MIN_SLOTS && live * 4L < capacity) { // a burst gone: give the memory back
                capacity /= 2;
            }
            resize(capacity, now);
        }

        /**
         * Moves the ids that expire after {@code now} (all of them: {@link Long#MIN_VALUE}) into a
         * table of {@code capacity} slots.
         */
        private void resize(int capacity, long now) {
            long[] table = new long[capacity * WIDTH];
            int kept = 0;
            for (int i = 0; i < slots.length; i += WIDTH) {
                if (slots[i + 2] != 0 && slots[i + 2] > now) {
                    int j = find(table, slots[i], slots[i + 1]);
                    System.arraycopy(slots, i, table, j * WIDTH, WIDTH);
                    kept++;
                }
            }
            size.addAndGet(kept - used);
            used = kept;
            slots = table;
        }
    }
}
