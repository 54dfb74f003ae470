package dev.keycard.protocol;

/** The one piece of JSON writing the protocol needs: a string literal, escaped per RFC 8259 §7. */
public final class Json {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /** Appends {@code value} to {@code out} as a quoted JSON string. */
    public static StringBuilder appendString(StringBuilder out, String value) {
        out.append('"');
        if (isPlain(value)) { // the common case: tokens, codes and scopes need no escaping
            return out.append(value).append('"');
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    private static boolean isPlain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c == 0x2028 || c == 0x2029) {
                return false;
            }
        }
        return true;
    }

    /** {@code value} as a quoted JSON string. */
    public static String string(String value) {
        return appendString(new StringBuilder(value.length() + 2), value).toString();
    }
}
