package dev.keycard.client.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/** The {@code Retry-After} header, RFC 9110 §10.2.3: delay-seconds or an HTTP-date. */
final class RetryAfter {

    /** Beyond any back-off limit; stands for a delay too large to parse. */
    private static final Duration FOREVER = Duration.ofDays(365);

    private RetryAfter() {
    }

    /** The delay the header asks for, or null when absent or unreadable (then our back-off applies). */
    static @Nullable Duration parse(@Nullable String value, Clock clock) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException e) {
                return FOREVER;
            }
        }
        try {
            // RFC_1123_DATE_TIME reads IMF-fixdate, the form RFC 9110 §5.6.7 says senders must use.
            Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
