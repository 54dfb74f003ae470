package dev.keycard.client;

import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * An access token from a successful token response, RFC 6749 §5.1. {@link #toString()} leaves the
 * token itself out, so logging this object leaks nothing.
 *
 * @param value the {@code access_token}, to send as {@code Authorization: Bearer value} (or
 *     {@code DPoP value} with a proof, for a DPoP-bound token)
 * @param tokenType the {@code token_type}: {@code Bearer}, or {@code DPoP} for a token bound to the
 *     token source's DPoP key (RFC 9449 §5)
 * @param expiresAt when the token expires: request time plus {@code expires_in}
 * @param scopes the granted {@code scope}, or the requested scopes when the server did not say
 */
public record AccessToken(String value, String tokenType, Instant expiresAt, Set<String> scopes) {

    public AccessToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(tokenType, "tokenType");
        Objects.requireNonNull(expiresAt, "expiresAt");
        scopes = Collections.unmodifiableSortedSet(new TreeSet<>(scopes));
    }

    @Override
    public String toString() {
        return "AccessToken{tokenType=" + tokenType + ", expiresAt=" + expiresAt + ", scopes=" + scopes + "}";
    }
}
