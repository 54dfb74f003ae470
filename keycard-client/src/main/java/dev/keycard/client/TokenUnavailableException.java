package dev.keycard.client;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The server could not be reached or kept failing (network error, timeout, 5xx, 429) until the
 * attempts ran out, or asked to be left alone for longer than the back-off limit. Worth trying
 * again later; the cause, when there is one, is the last network error.
 */
public final class TokenUnavailableException extends KeycardClientException {

    private static final long serialVersionUID = 1L;

    private final @Nullable Duration retryAfter;

    public TokenUnavailableException(String message, @Nullable Throwable cause, @Nullable Duration retryAfter) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    /** How long the server asked to wait ({@code Retry-After}, RFC 9110 §10.2.3), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
