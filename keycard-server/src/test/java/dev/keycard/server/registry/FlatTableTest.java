package dev.keycard.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The registry's base table: a key held as its Latin-1 bytes matches only the same characters,
 * keys that share a hash code are told apart, and a key that is not Latin-1 never matches one
 * that is.
 */
class FlatTableTest {

    @Test
    void getWhenKeysShareAHashCodeThenEachFindsItsOwn() {
        assertEquals("Aa".hashCode(), "BB".hashCode());
        FlatTable<String> table = FlatTable.of(Map.of("Aa", "1", "BB", "2", "AaBB", "3", "BBAa", "4"));
        assertEquals("1", table.get("Aa"));
        assertEquals("2", table.get("BB"));
        assertEquals("3", table.get("AaBB"));
        assertEquals("4", table.get("BBAa"));
        assertNull(table.get("AaAa"), "the same hash code, not a key");
        assertEquals(4, table.size());
    }

    @Test
    void getWhenCharactersDifferOnlyBeyondLatin1ThenNoMatch() {
        // U+0161 and U+0061 share their low byte: a key held as bytes must not match either way.
        FlatTable<String> table = FlatTable.of(Map.of("a-client", "latin", "\u0161-client", "beyond"));
        assertEquals("latin", table.get("a-client"));
        assertEquals("beyond", table.get("\u0161-client"));
        assertNull(table.get("\u0561-client"));
        assertNull(table.get("a-clien"), "a prefix");
        assertNull(table.get("a-client "), "longer");
        assertEquals("latin", FlatTable.of(Map.of("caf\u00e9", "latin")).get("caf\u00e9"));
        assertNull(FlatTable.of(Map.of("caf\u00e9", "latin")).get("cafe"));
    }

    @Test
    void withWhenChangedThenAsAPlainMapAndTheEarlierTableUnchanged() {
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < 1_000; i++) {
            expected.put("c" + i, "v" + i);
        }
        FlatTable<String> before = FlatTable.of(expected);
        Map<String, String> changed = new HashMap<>();
        changed.put("c1", null);
        changed.put("c2", "changed");
        changed.put("new", "added");
        changed.put("absent", null);
        FlatTable<String> after = before.with(changed);
        assertEquals("v1", before.get("c1"));
        assertNull(before.get("new"));
        assertNull(after.get("c1"));
        assertEquals("changed", after.get("c2"));
        assertEquals("added", after.get("new"));
        assertEquals(1_000, after.size());
        Map<String, String> read = new HashMap<>();
        after.forEach(read::put);
        expected.remove("c1");
        expected.put("c2", "changed");
        expected.put("new", "added");
        assertEquals(expected, read);
        List<String> values = new ArrayList<>();
        after.forEachValue(List.of("c2", "absent"), values::add);
        assertEquals(999, values.size());
        assertFalse(values.contains("changed"));
        assertTrue(values.contains("added"));
    }

    @Test
    void emptyWhenAskedThenNothing() {
        assertNull(FlatTable.<String>empty().get("anything"));
        assertNull(FlatTable.of(Map.<String, String>of()).get(""));
        assertEquals("empty key", FlatTable.of(Map.of("", "empty key")).get(""));
    }
}
