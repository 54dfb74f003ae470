package dev.keycard.server.keys;

import dev.keycard.server.api.SigningAlg;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A signing key this node made or removed, as {@link KeyManager#onKeyChange} tells its listeners. */
public sealed interface KeyChange {

    /** The key's id, its {@code kid}. */
    String kid();

    /**
     * A key made: published now, signing from {@code activatesAt}.
     *
     * @param kid its key id
     * @param alg the algorithm it signs with
     * @param activatesAt when it starts signing
     */
    record Created(String kid, SigningAlg alg, Instant activatesAt) implements KeyChange {
        public Created {
            Objects.requireNonNull(kid, "kid");
            Objects.requireNonNull(alg, "alg");
            Objects.requireNonNull(activatesAt, "activatesAt");
        }
    }

    /**
     * A key removed by hand (emergency removal): out of the JWKS at once.
     *
     * @param kid its key id
     * @param alg its algorithm, when this node had the key loaded
     */
    record Removed(String kid, Optional<SigningAlg> alg) implements KeyChange {
        public Removed {
            Objects.requireNonNull(kid, "kid");
            Objects.requireNonNull(alg, "alg");
        }
    }
}
