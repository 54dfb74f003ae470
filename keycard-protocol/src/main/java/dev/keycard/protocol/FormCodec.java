package dev.keycard.protocol;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code application/x-www-form-urlencoded} codec that RFC 6749 Appendix B prescribes, strict:
 * a bad percent escape or bytes that are not UTF-8 are errors, never guessed at or replaced.
 */
public final class FormCodec {

    private FormCodec() {
    }

    /**
     * Decodes a form body.
     *
     * @throws IllegalArgumentException naming what is malformed
     */
    public static Form decode(byte[] body) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        int start = 0;
        while (start <= body.length) {
            int end = indexOf(body, (byte) '&', start, body.length);
            if (end > start) {
                // Searched within this pair only: scanning to the body's end for each pair would
                // make a body of 'a&a&a&…' cost quadratic time before any authentication.
                int eq = indexOf(body, (byte) '=', start, end);
                String name = decodeComponent(body, start, eq);
                String value = eq < end ? decodeComponent(body, eq + 1, end) : "";
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("form has a parameter with no name");
                }
                params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            start = end + 1;
        }
        return new Form(params);
    }

    /** Decodes one name or value: {@code +} is a space, {@code %XX} a byte, the bytes UTF-8. */
    public static String decodeComponent(byte[] in, int from, int to) {
        byte[] out = new byte[to - from];
        int n = 0;
        boolean ascii = true;
        for (int i = from; i < to; i++) {
            byte b = in[i];
            if (b == '+') {
                b = ' ';
            } else if (b == '%') {
                if (i + 2 >= to) {
                    throw new IllegalArgumentException("form has a truncated percent escape");
                }
                int hi = Character.digit(in[i + 1], 16);
                int lo = Character.digit(in[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("form has an invalid percent escape");
                }
                b = (byte) ((hi << 4) | lo);
                i += 2;
            }
            ascii &= b >= 0;
            out[n++] = b;
        }
        if (ascii) {
            return new String(out, 0, n, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out, 0, n)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("form value is not valid UTF-8");
        }
    }

    /** Decodes one component given as text, e.g. a user name from HTTP Basic (RFC 6749 §2.3.1). */
    public static String decodeComponent(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return decodeComponent(bytes, 0, bytes.length);
    }

    /** Encodes one component, as a client must before putting its id and secret in HTTP Basic. */
    public static String encodeComponent(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** The index of {@code b} in {@code a[from, to)}, or {@code to}. */
    private static int indexOf(byte[] a, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return to;
    }
}
