package dev.keycard.resource;

/**
 * A token could not be accepted. The message is the private detail for the application's log;
 * the caller learns only the RFC 6750 error code ({@link BearerError}).
 */
public sealed class TokenVerificationException extends RuntimeException
        permits TokenVerificationException.InvalidToken, TokenVerificationException.KeysUnavailable {

    private static final long serialVersionUID = 1L;

    TokenVerificationException(String detail, @org.jspecify.annotations.Nullable Throwable cause) {
        super(detail, cause, false, false);
    }

    /** The token is not one this API accepts: {@code invalid_token}, 401 (RFC 6750 §3.1). */
    public static final class InvalidToken extends TokenVerificationException {
        private static final long serialVersionUID = 1L;

        public InvalidToken(String detail) {
            super(detail, null);
        }
    }

    /**
     * No key set was ever obtained from the issuer, so no token can be checked: a fault on the
     * API's side of the call, answered with 503 rather than blamed on the caller's token.
     */
    public static final class KeysUnavailable extends TokenVerificationException {
        private static final long serialVersionUID = 1L;

        public KeysUnavailable(String detail, Throwable cause) {
            super(detail, cause);
        }
    }
}
