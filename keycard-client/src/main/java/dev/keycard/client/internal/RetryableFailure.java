package dev.keycard.client.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A failed attempt worth repeating: a 5xx or 429 answer. Network errors arrive as
 * {@link java.io.IOException} and are wrapped into one of these by the {@link Retrier}.
 */
final class RetryableFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final @Nullable Duration retryAfter;

    RetryableFailure(String reason, @Nullable Throwable cause, @Nullable Duration retryAfter) {
        super(reason, cause, false, false);
        this.retryAfter = retryAfter;
    }

    /** The server's {@code Retry-After}, if any. */
    @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
