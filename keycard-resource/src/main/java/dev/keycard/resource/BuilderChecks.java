package dev.keycard.resource;

import java.time.Duration;

/** The checks the library's builders share, each refusing with a message that names the setting. */
final class BuilderChecks {

    private BuilderChecks() {
    }

    /** A tolerance between clocks: 0 to 5 minutes. */
    static Duration clockSkew(Duration skew) {
        if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("clock skew must be between 0 and 5 minutes, was " + skew);
        }
        return skew;
    }

    /** A size that may be 0 (off) but not less. */
    static int notNegative(String setting, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(setting + " must not be negative, was " + value);
        }
        return value;
    }
}
