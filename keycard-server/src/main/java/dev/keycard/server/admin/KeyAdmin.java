package dev.keycard.server.admin;

import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.keys.KeyManager;
import dev.keycard.server.keys.KeyRing;
import dev.keycard.server.keys.SigningKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signing keys in the admin API: the line of keys with their status, a rotation by hand (the
 * successor waits out {@code keys.publish-lead} like a scheduled one) and the emergency removal
 * of a compromised key. Key material never leaves the server; only ids and instants are shown.
 */
public final class KeyAdmin {

    private final KeyManager keys;

    KeyAdmin(KeyManager keys) {
        this.keys = keys;
    }

    public List<KeyRing.Entry> list() {
        return keys.ring().entries();
    }

    /** When a new key starts signing, for each algorithm (see {@link KeyManager#nextRotations()}). */
    public Map<SigningAlg, Instant> nextRotations() {
        return keys.nextRotations();
    }

    /** Rotates one algorithm's key, or every algorithm's; answers the successors. */
    public List<SigningKey> rotate(Optional<SigningAlg> alg) {
        if (alg.isPresent() && keys.ring().current(alg.get()).isEmpty()) {
            throw AdminProblem.invalid("alg", "no API signs with " + alg.get().name() + "; there is no key to rotate");
        }
        return keys.rotate(alg);
    }

    public void remove(String kid) {
        if (!keys.remove(kid)) {
            throw AdminProblem.notFound("signing key " + kid);
        }
    }
}
