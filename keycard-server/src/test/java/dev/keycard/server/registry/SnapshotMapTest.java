package dev.keycard.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The registry's map answers as a plain map given the same changes would, across many changes
 * (so the overlay is folded into the base many times), and a state once read never changes.
 */
class SnapshotMapTest {

    @Test
    void getWhenThousandsOfChangesAndFoldsThenAsAPlainMap() {
        Random random = new Random(42);
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            expected.put(key(i), "v" + i);
        }
        SnapshotMap<String> map = SnapshotMap.of(expected);
        for (int round = 0; round < 3_000; round++) {
            Map<String, String> put = new HashMap<>();
            List<String> removed = new ArrayList<>();
            for (int j = 0; j < 3; j++) {
                String key = key(random.nextInt(8_000));
                if (random.nextBoolean()) {
                    removed.add(key);
                } else {
                    put.put(key, "r" + round);
                }
            }
            removed.forEach(expected::remove);
            expected.putAll(put);
            map = map.with(put, removed);
            assertEquals(expected.size(), map.size(), "size after round " + round);
        }
        for (int i = 0; i < 8_000; i++) {
            assertEquals(expected.get(key(i)), map.get(key(i)), "key " + key(i));
        }
        assertEquals(new TreeSet<>(expected.values()).size(), new TreeSet<>(map.values()).size());
        assertEquals(expected.size(), map.values().size());
    }

    @Test
    void withWhenChangedThenTheEarlierStateUnchanged() {
        SnapshotMap<String> before = SnapshotMap.of(Map.of("a", "1", "b", "2"));
        SnapshotMap<String> after = before.with(Map.of("a", "changed", "c", "3"), Set.of("b"));
        assertEquals("1", before.get("a"));
        assertEquals("2", before.get("b"));
        assertNull(before.get("c"));
        assertEquals(2, before.size());
        assertEquals("changed", after.get("a"));
        assertNull(after.get("b"));
        assertEquals("3", after.get("c"));
        assertEquals(2, after.size());
    }

    @Test
    void withWhenKeyRemovedAndPutInOneChangeThenPresent() {
        SnapshotMap<String> map = SnapshotMap.<String>empty().with(Map.of("a", "1"), Set.of());
        SnapshotMap<String> next = map.with(Map.of("a", "2"), Set.of("a"));
        assertEquals("2", next.get("a"));
        assertEquals(1, next.size());
    }

    /** Keys of each form the base table holds: ASCII, other Latin-1, and beyond Latin-1. */
    private static String key(int i) {
        return switch (i % 3) {
            case 0 -> "client-" + i;
            case 1 -> "caf\u00e9-" + i;
            default -> "\u0441\u0435\u0440\u0432\u0438\u0441-" + i;
        };
    }
}
