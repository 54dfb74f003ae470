package dev.keycard.server.admin;

import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.keys.KeyManager;
import dev.keycard.server.keys.KeyRing;
import dev.keycard.server.keys.SigningKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;

/**
 * Signing keys in the admin API: the line of keys with their status, a rotation by hand (the
 * successor waits out {@code keys.publish-lead} like a scheduled one) and the emergency removal
 * of a compromised key. Key material never leaves the server; only ids and instants are shown.
 */
final class KeyAdmin {

    private final KeyManager keys;

    KeyAdmin(KeyManager keys) {
        this.keys = keys;
    }

    JsonObject list() {
        JsonArray items = new JsonArray();
        for (KeyRing.Entry e : keys.ring().entries()) {
            items.add(json(e.key()).put("status", e.status().name().toLowerCase(java.util.Locale.ROOT))
                    .put("retires_at", e.retiresAt().map(Object::toString).orElse(null)));
        }
        return AdminJson.items(items);
    }

    /** Body: {@code {"alg": "ES256"}} for one algorithm, or nothing for every algorithm in use. */
    JsonObject rotate(JsonObject body) {
        Fields f = new Fields(body);
        f.rejectUnknown(Set.of("alg"));
        f.check();
        Optional<SigningAlg> alg = Optional.empty();
        Object named = body.getValue("alg");
        if (named != null) {
            if (!(named instanceof String s) || SigningAlg.named(s).isEmpty()) {
                throw AdminProblem.invalid("alg", "must be one of RS256, ES256, PS256, EdDSA");
            }
            alg = SigningAlg.named(s);
            if (keys.ring().current(alg.get()).isEmpty()) {
                throw AdminProblem.invalid("alg", "no API signs with " + s + "; there is no key to rotate");
            }
        }
        JsonArray next = new JsonArray();
        keys.rotate(alg).forEach(k -> next.add(json(k).put("status", "next")));
        return AdminJson.items(next);
    }

    void remove(String kid) {
        if (!keys.remove(kid)) {
            throw AdminProblem.notFound("signing key " + kid);
        }
    }

    private static JsonObject json(SigningKey k) {
        return new JsonObject().put("kid", k.kid()).put("alg", k.alg().name())
                .put("created_at", k.createdAt().toString()).put("activates_at", k.activatesAt().toString());
    }
}
