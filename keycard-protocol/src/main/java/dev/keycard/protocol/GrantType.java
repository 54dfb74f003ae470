package dev.keycard.protocol;

import java.util.Objects;

/**
 * A {@code grant_type} value (RFC 6749 §4). An open value class: grants added later are new
 * constants or values, not changes to a closed set.
 *
 * @param value the parameter value
 */
public record GrantType(String value) {

    /** RFC 6749 §4.4. */
    public static final GrantType CLIENT_CREDENTIALS = new GrantType("client_credentials");

    public GrantType {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("grant_type is empty");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
