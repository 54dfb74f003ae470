package dev.keycard.server.admin;

import java.util.Map;
import java.util.Objects;

/**
 * Let a workload authenticate as a client with a token of a trust source.
 *
 * @param trustSource the trust source's name
 * @param subject the exact {@code sub} of the workload's tokens
 * @param claims other claims its tokens must hold exactly (e.g. GitHub's {@code repository_id})
 * @param force register a subject the rules refuse by default (a Kubernetes {@code default}
 *     service account, which every pod of its namespace runs as unless told otherwise)
 */
public record AddIdentity(String trustSource, String subject, Map<String, String> claims, boolean force) {
    public AddIdentity {
        Objects.requireNonNull(trustSource, "trustSource");
        Objects.requireNonNull(subject, "subject");
        claims = Map.copyOf(claims);
    }
}
