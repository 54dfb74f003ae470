package dev.keycard.server.registry;

import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * An immutable hash table from strings to values, laid out for lookups of keys that no cache
 * holds: one array holds each key beside its value, and a key whose characters are all Latin-1
 * (every client id: RFC 6749 allows printable ASCII) is held as its bytes. A lookup reads the
 * slot, the key's bytes and the value: three reads from memory, where a {@link java.util.HashMap}
 * makes five (its table, the entry, the key, the key's bytes, the value), each a cache miss once
 * the registry is large (docs/benchmarks.md, issue 11). Open addressing with linear probing, at
 * most half full.
 *
 * <p>Keys with other characters are held as the {@code String} itself (compared with
 * {@code equals}), so that no two keys can share a form.
 *
 * @param <V> the values
 */
final class FlatTable<V> {

    private static final FlatTable<?> EMPTY = new FlatTable<>(new Object[2], 0);

    /** {@code slots[2i]}: a key (its Latin-1 bytes, or the string), or null; {@code slots[2i + 1]}: its value. */
    private final Object[] slots;
    private final int size;

    private FlatTable(Object[] slots, int size) {
        this.slots = slots;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    static <V> FlatTable<V> empty() {
        return (FlatTable<V>) EMPTY;
    }

    /** A table of {@code entries}. */
    static <V> FlatTable<V> of(Map<String, V> entries) {
        Object[] slots = new Object[capacity(entries.size()) * 2];
        entries.forEach((k, v) -> put(slots, held(k), k.hashCode(), Objects.requireNonNull(v, "value")));
        return new FlatTable<>(slots, entries.size());
    }

    /**
     * This table without the keys {@code changed} names, then with those of them that have a value
     * (a null value: removed).
     */
    FlatTable<V> with(Map<String, @Nullable V> changed) {
        boolean[] replaced = new boolean[slots.length / 2];
        int kept = size;
        for (String key : changed.keySet()) {
            int i = indexOf(key);
            if (i >= 0) {
                replaced[i] = true;
                kept--;
            }
        }
        int added = (int) changed.values().stream().filter(Objects::nonNull).count();
        Object[] next = new Object[capacity(kept + added) * 2];
        for (int i = 0; i < replaced.length; i++) {
            Object k = slots[2 * i];
            if (k != null && !replaced[i]) {
                put(next, k, hash(k), slots[2 * i + 1]);
            }
        }
        changed.forEach((k, v) -> {
            if (v != null) {
                put(next, held(k), k.hashCode(), v);
            }
        });
        return new FlatTable<>(next, kept + added);
    }

    /** The value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    @Nullable V get(String key) {
        int i = indexOf(key);
        return i < 0 ? null : (V) slots[2 * i + 1];
    }

    boolean containsKey(String key) {
        return indexOf(key) >= 0;
    }

    int size() {
        return size;
    }

    /** Every value but those of the keys {@code except}. */
    @SuppressWarnings("unchecked")
    void forEachValue(Iterable<String> except, Consumer<V> action) {
        boolean[] skip = new boolean[slots.length / 2];
        for (String key : except) {
            int i = indexOf(key);
            if (i >= 0) {
                skip[i] = true;
            }
        }
        for (int i = 0; i < skip.length; i++) {
            if (slots[2 * i] != null && !skip[i]) {
                action.accept((V) slots[2 * i + 1]);
            }
        }
    }

    /** Every entry, the key as a string (made for each: not for the token path). */
    @SuppressWarnings("unchecked")
    void forEach(BiConsumer<String, V> action) {
        for (int i = 0; i < slots.length; i += 2) {
            Object k = slots[i];
            if (k != null) {
                action.accept(k instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)
                        : (String) k, (V) slots[i + 1]);
            }
        }
    }

    /** The slot index of {@code key}, or -1. */
    private int indexOf(String key) {
        int mask = slots.length / 2 - 1;
        for (int i = spread(key.hashCode()) & mask; ; i = (i + 1) & mask) {
            Object k = slots[2 * i];
            if (k == null) {
                return -1;
            }
            if (k instanceof byte[] b ? sameLatin1(b, key) : key.equals(k)) {
                return i;
            }
        }
    }

    private static boolean sameLatin1(byte[] held, String key) {
        int n = held.length;
        if (key.length() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (key.charAt(i) != (held[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    /** How {@code key} is held: its bytes when every character is Latin-1, else the string. */
    private static Object held(String key) {
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) > 0xFF) {
                return key;
            }
        }
        return key.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** {@link String#hashCode()} of the key held as {@code k}. */
    private static int hash(Object k) {
        if (k instanceof byte[] b) {
            int h = 0;
            for (byte c : b) {
                h = 31 * h + (c & 0xFF);
            }
            return h;
        }
        return k.hashCode();
    }

    private static void put(Object[] slots, Object key, int hash, Object value) {
        int mask = slots.length / 2 - 1;
        int i = spread(hash) & mask;
        while (slots[2 * i] != null) {
            i = (i + 1) & mask;
        }
        slots[2 * i] = key;
        slots[2 * i + 1] = value;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    /** Slots for {@code n} entries: a power of two, at least twice {@code n}. */
    private static int capacity(int n) {
        return Integer.highestOneBit(Math.max(2, n) * 2 - 1) << 1;
    }

    @Override
    public String toString() {
        return "FlatTable[" + size + "]";
    }
}
