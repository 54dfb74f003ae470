package dev.keycard.server.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AddressRangesTest {

    @Test
    void containsWhenAddressesAndRangesThenMembersOnly() {
        AddressRanges r = AddressRanges.parse(" 10.0.0.0/8, 192.168.1.7 ,fd00::/8, 172.16.0.0/12");
        assertTrue(r.contains("10.200.3.4"));
        assertTrue(r.contains("192.168.1.7"));
        assertFalse(r.contains("192.168.1.8"));
        assertTrue(r.contains("fd12:3456::1"));
        assertFalse(r.contains("fe80::1"));
        assertTrue(r.contains("172.31.255.255"));
        assertFalse(r.contains("172.32.0.0"));
        assertFalse(r.contains("not-an-address"));
        assertFalse(AddressRanges.parse("").contains("10.0.0.1"));
        assertTrue(AddressRanges.parse("").isEmpty());
    }

    @Test
    void parseWhenNotAnAddressThenRefusedNamingTheEntryAndNoDnsAsked() {
        for (String bad : List.of("proxy.internal", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "1.2.3")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void addressWhenAProxyWritesOneWithAPortOrBracketsThenTheAddressAloneAndAnythingElseIsEmpty() {
        org.junit.jupiter.api.Assertions.assertEquals(java.util.Optional.of("192.0.2.7"), AddressRanges.address("192.0.2.7:5678"));
        org.junit.jupiter.api.Assertions.assertEquals(java.util.Optional.of("192.0.2.7"), AddressRanges.address(" 192.0.2.7 "));
        org.junit.jupiter.api.Assertions.assertEquals(java.util.Optional.of("2001:db8:0:0:0:0:0:1"), AddressRanges.address("[2001:db8::1]:443"));
        org.junit.jupiter.api.Assertions.assertEquals(java.util.Optional.of("2001:db8:0:0:0:0:0:1"), AddressRanges.address("2001:db8::1"));
        for (String bad : List.of("unknown", "proxy.internal", "x:y", "1.2.3", "_hidden", "", "[::1")) {
            org.junit.jupiter.api.Assertions.assertEquals(java.util.Optional.empty(), AddressRanges.address(bad), bad);
        }
    }
}
