package dev.keycard.client;

import org.jspecify.annotations.Nullable;

/**
 * Why no token could be had. Thrown as is for a local problem or an answer that breaks the
 * protocol (a secret file that cannot be read, metadata naming another issuer, a success response
 * without {@code access_token}): none of these is retried. The two subclasses say whether the
 * server refused ({@link TokenRequestException}) or could not be reached
 * ({@link TokenUnavailableException}). No message ever contains the client secret or a token.
 */
public sealed class KeycardClientException extends RuntimeException
        permits TokenRequestException, TokenUnavailableException {

    private static final long serialVersionUID = 1L;

    public KeycardClientException(String message) {
        super(message);
    }

    public KeycardClientException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
