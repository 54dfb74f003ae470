package dev.keycard.protocol;

import java.util.Objects;

/**
 * A client identifier, RFC 6749 §2.2 and Appendix A.1: {@code client-id = *VSCHAR}, non-empty here.
 *
 * @param value the identifier as the client sends it
 */
public record ClientId(String value) {

    public ClientId {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= 0x20 && c <= 0x7E)) {
            throw new IllegalArgumentException("client_id must be 1 or more VSCHAR (RFC 6749 Appendix A.1)");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
