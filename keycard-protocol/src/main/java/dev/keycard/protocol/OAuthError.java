package dev.keycard.protocol;

import java.util.Objects;

/**
 * An OAuth 2.0 error code together with the HTTP status it is answered with.
 *
 * <p>The codes are those of RFC 6749 §5.2 and the registry extensions used by Keycard
 * ({@code invalid_target}, RFC 8707 §2). New codes are new constants, not new branches: this is an
 * open value class, so a caller may define a code this class does not list.
 *
 * @param code the {@code error} value, e.g. {@code invalid_scope}
 * @param status the HTTP status the error is answered with
 */
public record OAuthError(String code, int status) {

    /** RFC 6749 §5.2: the request is missing a parameter, repeats one, or is otherwise malformed. */
    public static final OAuthError INVALID_REQUEST = new OAuthError("invalid_request", 400);
    /** RFC 6749 §5.2: client authentication failed. Answered with 401 and a challenge. */
    public static final OAuthError INVALID_CLIENT = new OAuthError("invalid_client", 401);
    /** RFC 6749 §5.2: the authorization grant is invalid. */
    public static final OAuthError INVALID_GRANT = new OAuthError("invalid_grant", 400);
    /** RFC 6749 §5.2: the client may not use this grant type. */
    public static final OAuthError UNAUTHORIZED_CLIENT = new OAuthError("unauthorized_client", 400);
    /** RFC 6749 §5.2: the grant type is not supported by this server. */
    public static final OAuthError UNSUPPORTED_GRANT_TYPE = new OAuthError("unsupported_grant_type", 400);
    /** RFC 6749 §5.2: the scope is invalid, unknown, malformed, or exceeds what was granted. */
    public static final OAuthError INVALID_SCOPE = new OAuthError("invalid_scope", 400);
    /** RFC 8707 §2: the requested resource is invalid, missing, unknown, or malformed. */
    public static final OAuthError INVALID_TARGET = new OAuthError("invalid_target", 400);
    /** RFC 9449 §5: the DPoP proof is missing where required, or fails a check of §4.3. */
    public static final OAuthError INVALID_DPOP_PROOF = new OAuthError("invalid_dpop_proof", 400);
    /** RFC 9449 §8: the proof must carry the server's current nonce, sent in the {@code DPoP-Nonce} header. */
    public static final OAuthError USE_DPOP_NONCE = new OAuthError("use_dpop_nonce", 400);
    /** RFC 6749 §4.1.2.1: an unexpected condition prevented the server from answering. */
    public static final OAuthError SERVER_ERROR = new OAuthError("server_error", 500);
    /**
     * Too many requests (RFC 6585 §4): a client over its token rate, or a source or client id
     * backing off after failed authentication. Answered with 429 and {@code Retry-After}; not one of
     * RFC 6749's codes, the name is the one Auth0 answers with.
     */
    public static final OAuthError TOO_MANY_REQUESTS = new OAuthError("too_many_requests", 429);
    /** RFC 6749 §4.1.2.1: the server cannot answer now, but may later. */
    public static final OAuthError TEMPORARILY_UNAVAILABLE = new OAuthError("temporarily_unavailable", 503);

    /** The longest {@code error_description} sent; a longer one is cut and ends with {@code ...}. */
    public static final int MAX_DESCRIPTION = 200;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    public OAuthError {
        Objects.requireNonNull(code, "code");
        if (code.isEmpty() || !code.chars().allMatch(OAuthError::isNqschar)) {
            throw new IllegalArgumentException("error code must be NQSCHAR (RFC 6749 §5.2): " + code);
        }
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("error status must be 4xx or 5xx: " + status);
        }
    }

    /**
     * Whether {@code c} may appear in {@code error} and {@code error_description}, RFC 6749 §5.2:
     * {@code %x20-21 / %x23-5B / %x5D-7E}, printable ASCII without {@code "} and {@code \}.
     */
    public static boolean isNqschar(int c) {
        return c == 0x20 || c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
    }

    /**
     * {@code text} as RFC 6749 §5.2 allows an {@code error_description}: every character outside
     * {@link #isNqschar} written as the percent-escapes of its UTF-8 bytes, cut to
     * {@value #MAX_DESCRIPTION} characters. What a request sent (a parameter name) is echoed
     * through this, never raw. Printable text comes back unchanged, so applying it twice is
     * applying it once.
     */
    public static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isNqschar(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            int end = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1)) ? i + 2 : i + 1;
            // A lone surrogate has no UTF-8 form: the encoder writes '?', escaped as %3F.
            for (byte b : text.substring(i, end).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
            i = end - 1;
            if (out.length() > MAX_DESCRIPTION) {
                break;
            }
        }
        String clean = out == null ? text : out.toString();
        return clean.length() <= MAX_DESCRIPTION ? clean : clean.substring(0, MAX_DESCRIPTION - 3) + "...";
    }

    /**
     * Gives this error a public description, the {@code error_description} the caller reads,
     * made printable by {@link #printable} (a fixed text is meant to be printable already).
     * Keep it free of anything that helps an attacker; put that in {@link Described#detail}.
     */
    public Described describe(String description) {
        return new Described(this, description, "");
    }

    /**
     * An error with its public description and a private detail meant only for logs and audit.
     *
     * @param error the code and status
     * @param description the public {@code error_description}
     * @param detail the private detail; never sent to the caller
     * @param retryAfterSeconds for a 429 or 503, when to try again ({@code Retry-After}, RFC 9110
     *     §10.2.3); 0 for none
     */
    public record Described(OAuthError error, String description, String detail, long retryAfterSeconds) {

        public Described {
            Objects.requireNonNull(error, "error");
            description = printable(Objects.requireNonNull(description, "description"));
            Objects.requireNonNull(detail, "detail");
            if (retryAfterSeconds < 0) {
                throw new IllegalArgumentException("retryAfterSeconds must not be negative");
            }
        }

        public Described(OAuthError error, String description, String detail) {
            this(error, description, detail, 0);
        }

        /** Adds the private detail, formatted like {@link String#format}. */
        public Described detail(String format, Object... args) {
            return new Described(error, description, args.length == 0 ? format : String.format(format, args),
                    retryAfterSeconds);
        }

        /** Says when to try again: {@code wait} rounded up to whole seconds, at least one. */
        public Described retryAfter(java.time.Duration wait) {
            long seconds = Math.max(1, wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0));
            return new Described(error, description, detail, seconds);
        }

        /** The exception that carries this error through a call stack to the one writer. */
        public OAuthException toException() {
            return new OAuthException(this);
        }
    }
}
