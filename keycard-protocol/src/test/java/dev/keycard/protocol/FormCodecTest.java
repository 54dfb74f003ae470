package dev.keycard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormCodecTest {

    private static Form decode(String s) {
        return FormCodec.decode(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void decodeWhenPlusAndPercentThenSpaceAndUtf8() {
        Form form = decode("grant_type=client_credentials&scope=jobs%3Aread+jobs%3Awrite&name=%C3%A9t%C3%A9");
        assertEquals(Optional.of("client_credentials"), form.get("grant_type"));
        assertEquals(Optional.of("jobs:read jobs:write"), form.get("scope"));
        assertEquals(Optional.of("été"), form.get("name"));
        assertTrue(form.repeated().isEmpty());
    }

    @Test
    void decodeWhenNameRepeatedThenReported() {
        Form form = decode("scope=a&scope=b&x=1");
        assertEquals(Set.of("scope"), form.repeated());
        assertEquals(List.of("a", "b"), form.all("scope"));
    }

    @Test
    void getWhenValueEmptyThenTreatedAsOmitted() {
        Form form = decode("scope=&resource");
        assertEquals(Optional.empty(), form.get("scope"));
        assertEquals(Optional.empty(), form.get("resource"));
        assertEquals(Set.of("scope", "resource"), form.names());
    }

    @Test
    void decodeWhenEmptySegmentsThenIgnored() {
        assertEquals(Set.of("a", "b"), decode("&a=1&&b=2&").names());
        assertTrue(decode("").names().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=%", "a=%4", "a=%zz", "a=%C3", "a=%FF%FE", "=x", "a=%C0%AF"})
    void decodeWhenMalformedThenRejected(String body) {
        assertThrows(IllegalArgumentException.class, () -> decode(body));
    }

    @Test
    void decodeWhenRawBytesNotUtf8ThenRejected() {
        byte[] body = {'a', '=', (byte) 0xC3, (byte) 0x28};
        assertThrows(IllegalArgumentException.class, () -> FormCodec.decode(body));
    }

    @Test
    void encodeThenDecodeWhenSpecialCharactersThenRoundTrip() {
        String secret = "p@ss:w%rd+ é/&=";
        assertEquals(secret, FormCodec.decodeComponent(FormCodec.encodeComponent(secret)));
    }
}
