package dev.keycard.server.admin;

import java.time.Duration;
import java.util.Optional;

/**
 * Give a client a new secret; the current one keeps working for the grace period.
 *
 * @param gracePeriod empty: {@code secret.grace-period}
 */
public record RotateSecret(Optional<Duration> gracePeriod) {
}
