package dev.keycard.client;

import org.jspecify.annotations.Nullable;

/**
 * The token endpoint refused the request: an error response of RFC 6749 §5.2 ({@code
 * invalid_client}, {@code invalid_scope}, {@code invalid_target}, …), or another 4xx. Never
 * retried, because the same request would be refused again: the configuration has to change.
 */
public final class TokenRequestException extends KeycardClientException {

    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final @Nullable String error;
    private final @Nullable String errorDescription;

    public TokenRequestException(String message, int statusCode, @Nullable String error,
                                 @Nullable String errorDescription) {
        super(message);
        this.statusCode = statusCode;
        this.error = error;
        this.errorDescription = errorDescription;
    }

    /** The HTTP status of the refusal, e.g. 401 for {@code invalid_client}. */
    public int statusCode() {
        return statusCode;
    }

    /** The {@code error} code, or null when the answer carried none (a proxy's 404, say). */
    public @Nullable String error() {
        return error;
    }

    /** The server's {@code error_description}, or null when it gave none. */
    public @Nullable String errorDescription() {
        return errorDescription;
    }
}
