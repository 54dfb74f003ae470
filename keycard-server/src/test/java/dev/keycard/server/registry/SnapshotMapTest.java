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
        Map<Integer, String> expected = new HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            expected.put(i, "v" + i);
        }
        SnapshotMap<Integer, String> map = SnapshotMap.of(expected);
        for (int round = 0; round < 3_000; round++) {
            Map<Integer, String> put = new HashMap<>();
            List<Integer> removed = new ArrayList<>();
            for (int j = 0; j < 3; j++) {
                int key = random.nextInt(8_000);
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
        for (int key = 0; key < 8_000; key++) {
            assertEquals(expected.get(key), map.get(key), "key " + key);
        }
        assertEquals(new TreeSet<>(expected.values()).size(), new TreeSet<>(map.values()).size());
        assertEquals(expected.size(), map.values().size());
    }

    @Test
    void withWhenChangedThenTheEarlierStateUnchanged() {
        SnapshotMap<String, String> before = SnapshotMap.of(Map.of("a", "1", "b", "2"));
        SnapshotMap<String, String> after = before.with(Map.of("a", "changed", "c", "3"), Set.of("b"));
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
        SnapshotMap<String, String> map = SnapshotMap.<String, String>empty().with(Map.of("a", "1"), Set.of());
        SnapshotMap<String, String> next = map.with(Map.of("a", "2"), Set.of("a"));
        assertEquals("2", next.get("a"));
        assertEquals(1, next.size());
    }
}
