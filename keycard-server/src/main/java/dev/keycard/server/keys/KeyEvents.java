package dev.keycard.server.keys;

import dev.keycard.server.event.Audit;
import dev.keycard.server.event.Metrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the signing keys report: {@code key.created} and {@code key.removed} to the audit trail (ids
 * and times, never key material), and how many keys are next, current and previous to the metrics.
 */
public final class KeyEvents implements Consumer<KeyChange> {

    private final Audit audit;

    private KeyEvents(Audit audit) {
        this.audit = audit;
    }

    /** Audits the changes {@code keys} makes from now on and publishes its key counts. */
    public static void observe(KeyManager keys, Audit audit, Metrics metrics) {
        keys.onKeyChange(new KeyEvents(audit));
        for (KeyRing.Status status : List.of(KeyRing.Status.NEXT, KeyRing.Status.CURRENT, KeyRing.Status.PREVIOUS)) {
            metrics.signingKeys(status.name().toLowerCase(Locale.ROOT),
                    () -> (int) keys.ring().entries().stream().filter(e -> e.status() == status).count());
        }
    }

    @Override
    public void accept(KeyChange change) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kid", change.kid());
        switch (change) {
            case KeyChange.Created c -> {
                details.put("alg", c.alg().name());
                details.put("activates_at", c.activatesAt().toString());
                audit.emit("key.created", null, details);
            }
            case KeyChange.Removed r -> {
                r.alg().ifPresent(alg -> details.put("alg", alg.name()));
                audit.emit("key.removed", null, details);
            }
        }
    }
}
