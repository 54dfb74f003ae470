package dev.keycard.protocol;

import java.util.Objects;

/**
 * One scope token, RFC 6749 §3.3: {@code scope-token = 1*( %x21 / %x23-5B / %x5D-7E )}.
 *
 * @param value the token, e.g. {@code jobs:read}
 */
public record Scope(String value) implements Comparable<Scope> {

    public Scope {
        Objects.requireNonNull(value, "value");
        if (!isValid(value)) {
            throw new IllegalArgumentException("not a scope token (RFC 6749 §3.3): '" + value + "'");
        }
    }

    /** Whether {@code value} is a well-formed scope token. */
    public static boolean isValid(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(Scope other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
