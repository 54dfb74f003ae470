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
    /** RFC 6749 §4.1.2.1: an unexpected condition prevented the server from answering. */
    public static final OAuthError SERVER_ERROR = new OAuthError("server_error", 500);
    /** RFC 6749 §4.1.2.1: the server cannot answer now, but may later. */
    public static final OAuthError TEMPORARILY_UNAVAILABLE = new OAuthError("temporarily_unavailable", 503);

    public OAuthError {
        Objects.requireNonNull(code, "code");
        if (code.isEmpty() || !code.chars().allMatch(c -> c == 0x20 || c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E))) {
            throw new IllegalArgumentException("error code must be NQSCHAR (RFC 6749 §5.2): " + code);
        }
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("error status must be 4xx or 5xx: " + status);
        }
    }

    /**
     * Gives this error a public description, the {@code error_description} the caller reads.
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
     */
    public record Described(OAuthError error, String description, String detail) {

        public Described {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(detail, "detail");
        }

        /** Adds the private detail, formatted like {@link String#format}. */
        public Described detail(String format, Object... args) {
            return new Described(error, description, args.length == 0 ? format : String.format(format, args));
        }

        /** The exception that carries this error through a call stack to the one writer. */
        public OAuthException toException() {
            return new OAuthException(this);
        }
    }
}
