package dev.keycard.server.registry;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A workload that authenticates as a client with a token of a {@link TrustSource}: the token's
 * {@code sub} is exactly {@link #subject()} and each of {@link #claims()} holds exactly the value
 * given (e.g. GitHub's {@code repository_id} and {@code environment}). One (trust source, subject)
 * maps to one client.
 *
 * @param id names it in the admin API
 * @param trustSource the {@link TrustSource#name()}
 * @param subject the token's exact {@code sub}
 * @param claims further claims that must hold exactly these values
 */
public record FederatedIdentity(String id, String trustSource, String subject, Map<String, String> claims,
                                Instant createdAt) {

    public FederatedIdentity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(trustSource, "trustSource");
        Objects.requireNonNull(subject, "subject");
        claims = Map.copyOf(claims);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The key of the (trust source, subject) pair in the registry's index. */
    public String key() {
        return key(trustSource, subject);
    }

    public static String key(String trustSource, String subject) {
        return trustSource + '\n' + subject;
    }
}
