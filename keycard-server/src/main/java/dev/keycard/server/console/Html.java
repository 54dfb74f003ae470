package dev.keycard.server.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * HTML text escaping for the console's pages. Every value a page shows goes through
 * {@link #text}, so a client name such as {@code <script>} is shown as those characters and never
 * read as markup (OWASP XSS prevention, rule 1 and, for attribute values, which are always
 * quoted, rule 2).
 */
public final class Html {

    private Html() {
    }

    /** {@code value} as HTML text or as a quoted attribute value. */
    public static String text(Object value) {
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code value} as one path segment of a console URL (then escaped as an attribute). */
    public static String segment(String value) {
        if (value.equals(".") || value.equals("..")) {
            return value.replace(".", "%2E"); // else a browser resolves it as a dot segment (RFC 3986 §5.2.4)
        }
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
