package dev.keycard.server.cli;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A client's id and secret as the command line holds them on the way to the token endpoint.
 * {@link #toString()} leaves the secret out, so it cannot slip into a message or a log.
 *
 * @param id the {@code client_id}
 * @param secret the client secret
 */
record ClientCredentials(String id, String secret) {

    ClientCredentials {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
    }

    /** The first of two sources that has a non-empty value, e.g. a flag, then an environment variable. */
    static @Nullable String firstPresent(@Nullable String first, @Nullable String second) {
        if (first != null && !first.isEmpty()) {
            return first;
        }
        return second == null || second.isEmpty() ? null : second;
    }

    @Override
    public String toString() {
        return "ClientCredentials[id=" + id + ", secret=****]";
    }
}
