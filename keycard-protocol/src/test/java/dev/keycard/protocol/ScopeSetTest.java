package dev.keycard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScopeSetTest {

    @Test
    void parseWhenWellFormedThenSortedAndDeduplicated() {
        ScopeSet set = ScopeSet.parse("jobs:write jobs:read jobs:write");
        assertEquals("jobs:read jobs:write", set.toString());
        assertEquals(2, set.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " a", "a ", "a  b", "a\tb", "a\"b", "a\\b", "é"})
    void parseWhenMalformedThenRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> ScopeSet.parse(text));
    }

    @Test
    void containsAllWhenSubsetThenTrueAndMissingNamesTheRest() {
        ScopeSet granted = ScopeSet.of("jobs:read", "jobs:write");
        assertTrue(granted.containsAll(ScopeSet.of("jobs:read")));
        assertFalse(granted.containsAll(ScopeSet.of("jobs:read", "reports:read")));
        assertEquals(ScopeSet.of("reports:read"), granted.missing(ScopeSet.of("jobs:read", "reports:read")));
    }

    @Test
    void tokenResponseWhenSerializedThenExactJson() {
        TokenResponse r = new TokenResponse("a.b\"c", "Bearer", 900, ScopeSet.of("jobs:read"));
        assertEquals("{\"access_token\":\"a.b\\\"c\",\"token_type\":\"Bearer\",\"expires_in\":900,\"scope\":\"jobs:read\"}", r.toJson());
        assertEquals("\"\\u0001\\u2028\"", Json.string("\u0001\u2028"));
    }
}
