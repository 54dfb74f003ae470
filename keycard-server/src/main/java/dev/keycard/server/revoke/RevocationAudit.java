package dev.keycard.server.revoke;

import dev.keycard.server.event.Audit;
import dev.keycard.server.event.Metrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Tells the audit trail and the metrics of each revocation this node commits
 * ({@link Revocations#onRevocation}): {@code token.revoked} with the token's {@code jti}, or
 * {@code client.tokens_revoked} with the client's {@code revoked_before}.
 */
public final class RevocationAudit implements Consumer<RevocationEvent> {

    private final Audit audit;
    private final Metrics metrics;

    public RevocationAudit(Audit audit, Metrics metrics) {
        this.audit = audit;
        this.metrics = metrics;
    }

    @Override
    public void accept(RevocationEvent event) {
        Map<String, Object> details = new LinkedHashMap<>();
        switch (event) {
            case RevocationEvent.TokenRevoked t -> {
                metrics.revoked(false);
                details.put("jti", t.jti());
                details.put("expires_at", t.expiresAt().toString());
                audit.emit("token.revoked", t.clientId(), details);
            }
            case RevocationEvent.ClientTokensRevoked c -> {
                metrics.revoked(true);
                details.put("revoked_before", c.revokedBefore().toString());
                audit.emit("client.tokens_revoked", c.clientId(), details);
            }
        }
    }
}
