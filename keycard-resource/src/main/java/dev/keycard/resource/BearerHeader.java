package dev.keycard.resource;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The bearer token of an {@code Authorization} request header, RFC 6750 §2.1. */
final class BearerHeader {

    private BearerHeader() {
    }

    /**
     * The token, or null when the request carries no bearer credentials (no header, or another
     * scheme such as Basic, which §3.1 answers with a bare challenge).
     *
     * @throws Malformed when the header says Bearer but does not follow
     *     {@code "Bearer" 1*SP b64token}, or is sent twice
     */
    static @Nullable String token(List<String> values) {
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new Malformed("more than one Authorization header");
        }
        String value = values.get(0);
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        if (!scheme.toLowerCase(Locale.ROOT).equals("bearer")) {
            return null;
        }
        String token = space < 0 ? "" : value.substring(space + 1).strip();
        if (token.isEmpty()) {
            throw new Malformed("the Bearer scheme without a token");
        }
        if (!isB64Token(token)) {
            throw new Malformed("the bearer token has characters outside b64token (RFC 6750 section 2.1)");
        }
        return token;
    }

    /** {@code b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    private static boolean isB64Token(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && isTokenChar(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < n && s.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }

    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
