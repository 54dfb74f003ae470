package dev.keycard.server.event;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What client authentication reports: a secret used in its grace period (counted every time,
 * audited as {@code secret.grace_use} at most once a minute per secret), and a failure
 * ({@code client.auth_failed}, at most once a minute per client id as given, for at most
 * {@value #MAX_FAILING_IDS} ids a minute). Each audited event tells how many were held back before it,
 * and {@link #closeWindows} tells of those no later event came to count.
 */
public final class ClientAuthEvents {

    static final Duration EVERY = Duration.ofMinutes(1);
    static final int MAX_FAILING_IDS = 1_000;
    private static final int MAX_ID_LENGTH = 128;

    private final Metrics metrics;
    private final Audit audit;
    private final AuditLimiter graceUses = new AuditLimiter(EVERY, 10_000);
    private final AuditLimiter failures = new AuditLimiter(EVERY, MAX_FAILING_IDS);
    private final AuditLimiter limits = new AuditLimiter(EVERY, MAX_FAILING_IDS);

    public ClientAuthEvents(Metrics metrics, Audit audit) {
        this.metrics = metrics;
        this.audit = audit;
    }

    /** {@code secretId}, replaced by a newer secret and ending at {@code expiresAt}, authenticated {@code clientId}. */
    public void graceUse(String clientId, String secretId, Instant expiresAt, Instant now) {
        metrics.graceUse();
        long held = graceUses.admit(clientId + " " + secretId, now); // a client id has no space
        if (held >= 0) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("secret_id", secretId);
            details.put("expires_at", expiresAt.toString());
            details.put("held_back", held);
            audit.emit("secret.grace_use", clientId, details);
        }
    }

    /**
     * Writes a summary for each secret and client id whose minute is over with events held back:
     * {@code held_back} and {@code summary: true}, so a burst of failures followed by silence
     * still leaves its count in the audit trail. Called every few seconds.
     */
    public void closeWindows(Instant now) {
        graceUses.closeWindows(now).forEach((key, held) -> {
            int space = key.indexOf(' ');
            audit.emit("secret.grace_use", key.substring(0, space), summary(Map.of("secret_id",
                    key.substring(space + 1)), held));
        });
        failures.closeWindows(now).forEach((clientId, held) -> audit.emit("client.auth_failed", clientId,
                summary(Map.of(), held)));
        limits.closeWindows(now).forEach((key, held) -> {
            int space = key.indexOf(' ');
            audit.emit("rate_limit.exceeded", key.substring(space + 1), summary(Map.of("limit",
                    key.substring(0, space)), held));
        });
    }

    private static Map<String, Object> summary(Map<String, Object> ids, long held) {
        Map<String, Object> details = new LinkedHashMap<>(ids);
        details.put("held_back", held);
        details.put("summary", true);
        return details;
    }

    /**
     * A request answered 429 by a rate limit: counted every time, audited as
     * {@code rate_limit.exceeded} at most once a minute per limit and client id.
     *
     * @param limit {@code token_rate}, {@code failed_auth_address} or {@code failed_auth_client}
     * @param clientId the client id the request gave
     * @param source the address it came from
     */
    public void rateLimited(String limit, String clientId, String source, Instant now) {
        metrics.rateLimited(limit);
        String id = cut(clientId);
        long held = limits.admit(limit + " " + id, now);
        if (held >= 0) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("limit", limit);
            details.put("source", cut(source));
            details.put("held_back", held);
            audit.emit("rate_limit.exceeded", id, details);
        }
    }

    private static String cut(String value) {
        // Longer than any valid client_id (128): cut, so a request cannot put 64 KiB into a line or a key.
        return value.length() > MAX_ID_LENGTH ? value.substring(0, MAX_ID_LENGTH) + "…" : value;
    }

    /**
     * Credentials for {@code clientId} (as the request gave it) did not authenticate.
     *
     * @param reason a fixed word: {@code unknown_client}, {@code wrong_secret}, {@code expired_secret},
     *     {@code disabled}, {@code method_not_allowed}
     * @param method the authentication method used
     */
    public void authFailed(String clientId, String reason, String method, Instant now) {
        String id = cut(clientId);
        long held = failures.admit(id, now);
        if (held >= 0) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("reason", reason);
            details.put("method", method);
            details.put("held_back", held);
            audit.emit("client.auth_failed", id, details);
        }
    }
}
