package dev.keycard.server.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * An immutable map made for a large registry read far more often than it changes: a lookup is two
 * hash-table probes, and a change makes a new map without copying the whole. It is a large
 * <em>base</em> table and a small <em>overlay</em> of the changes since the base was made
 * (removals as tombstones); a lookup asks the overlay first. A change copies the overlay only;
 * once the overlay outgrows {@code max(512, 8 √n)} entries the next change folds it into a new
 * base. Copying the base (O(n)) once every O(√n) changes, and the overlay (O(√n)) at each one,
 * costs O(√n) per change: a few microseconds at 100,000 entries, well under a millisecond at
 * 1,000,000, against the milliseconds a whole copy would take.
 *
 * <p>Instances never change once made, so a reader holding one sees one consistent state without
 * locks; publish a new one through a volatile field.
 */
final class SnapshotMap<K, V> {

    private static final Object TOMBSTONE = new Object();
    private static final SnapshotMap<?, ?> EMPTY = new SnapshotMap<>(Map.of(), Map.of(), 0);

    private final Map<K, V> base;
    /** Values are V or {@link #TOMBSTONE}. */
    private final Map<K, Object> overlay;
    private final int size;

    private SnapshotMap(Map<K, V> base, Map<K, Object> overlay, int size) {
        this.base = base;
        this.overlay = overlay;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    static <K, V> SnapshotMap<K, V> empty() {
        return (SnapshotMap<K, V>) EMPTY;
    }

    /** A map over {@code entries} itself, which nobody may change afterwards. */
    static <K, V> SnapshotMap<K, V> adopt(HashMap<K, V> entries) {
        return new SnapshotMap<>(entries, Map.of(), entries.size());
    }

    /** A map holding exactly {@code entries}. */
    static <K, V> SnapshotMap<K, V> of(Map<K, V> entries) {
        HashMap<K, V> base = new HashMap<>(entries);
        return new SnapshotMap<>(base, Map.of(), base.size());
    }

    @SuppressWarnings("unchecked")
    @Nullable V get(K key) {
        Object v = overlay.get(key);
        if (v != null) {
            return v == TOMBSTONE ? null : (V) v;
        }
        return base.get(key);
    }

    int size() {
        return size;
    }

    /** This map with {@code removed} gone and then {@code put} in. */
    SnapshotMap<K, V> with(Map<K, V> put, Collection<K> removed) {
        if (put.isEmpty() && removed.isEmpty()) {
            return this;
        }
        HashMap<K, Object> next = new HashMap<>(overlay);
        int n = size;
        for (K key : removed) {
            if (present(next, key)) {
                n--;
            }
            next.put(key, TOMBSTONE);
        }
        for (Map.Entry<K, V> e : put.entrySet()) {
            if (!present(next, e.getKey())) {
                n++;
            }
            next.put(e.getKey(), Objects.requireNonNull(e.getValue(), "value"));
        }
        if (next.size() > Math.max(512, 8 * (int) Math.sqrt(Math.max(n, 1)))) {
            return new SnapshotMap<>(fold(base, next, n), Map.of(), n);
        }
        return new SnapshotMap<>(base, next, n);
    }

    /** Whether {@code key} has a value with {@code overlay} (being made) over the base. */
    private boolean present(Map<K, Object> overlay, K key) {
        Object v = overlay.get(key);
        return v != null ? v != TOMBSTONE : base.containsKey(key);
    }

    @SuppressWarnings("unchecked")
    private static <K, V> Map<K, V> fold(Map<K, V> base, Map<K, Object> overlay, int size) {
        HashMap<K, V> folded = new HashMap<>(Math.max(16, (int) (size / 0.75f) + 1));
        folded.putAll(base);
        overlay.forEach((k, v) -> {
            if (v == TOMBSTONE) {
                folded.remove(k);
            } else {
                folded.put(k, (V) v);
            }
        });
        return folded;
    }

    /** Hands every value to {@code action}, in no particular order. */
    @SuppressWarnings("unchecked")
    void forEachValue(Consumer<V> action) {
        base.forEach((k, v) -> {
            if (!overlay.containsKey(k)) {
                action.accept(v);
            }
        });
        overlay.values().forEach(v -> {
            if (v != TOMBSTONE) {
                action.accept((V) v);
            }
        });
    }

    /** Every value, in no particular order (a copy: for the few APIs, not for the clients). */
    List<V> values() {
        List<V> out = new ArrayList<>(size);
        forEachValue(out::add);
        return out;
    }
}
