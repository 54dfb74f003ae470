package dev.keycard.resource;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The access token of an {@code Authorization} request header: the {@code Bearer} scheme of RFC
 * 6750 §2.1 or the {@code DPoP} scheme of RFC 9449 §7.1, both {@code scheme 1*SP b64token}.
 */
final class BearerHeader {

    /** A token and the scheme it came with. */
    record Credentials(String token, boolean dpop) {
    }

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
        Credentials c = credentials(values, false);
        return c == null ? null : c.token();
    }

    /**
     * The token and its scheme, {@code Bearer} or, when {@code dpop} is accepted, {@code DPoP};
     * null when the request carries neither.
     *
     * @throws Malformed as {@link #token}
     */
    static @Nullable Credentials credentials(List<String> values, boolean dpop) {
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new Malformed("more than one Authorization header");
        }
        String value = values.get(0);
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        String lower = scheme.toLowerCase(Locale.ROOT);
        boolean isDPoP = dpop && lower.equals("dpop");
        if (!lower.equals("bearer") && !isDPoP) {
            return null;
        }
        String token = space < 0 ? "" : value.substring(space + 1).strip();
        if (token.isEmpty()) {
            throw new Malformed("the " + scheme + " scheme without a token");
        }
        if (!isB64Token(token)) {
            throw new Malformed("the access token has characters outside b64token (RFC 6750 section 2.1)");
        }
        return new Credentials(token, isDPoP);
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
