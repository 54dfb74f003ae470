package dev.keycard.server.keys;

import com.nimbusds.jose.jwk.JWK;
import dev.keycard.server.api.SigningAlg;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Signing keys and key rings for unit tests, made in memory with the JDK's providers (no store,
 * no master key): {@code TestKeys.ring(now, TestKeys.key(SigningAlg.ES256, "k1", now.minusSeconds(60)))}.
 */
public final class TestKeys {

    /** The longest token lifetime the rings built here assume. */
    public static final Duration MAX_TOKEN_LIFETIME = Duration.ofHours(1);
    private static final KeyMaterial MATERIAL = new KeyMaterial(Optional.empty());

    private TestKeys() {
    }

    /** A new key for {@code alg}, published at {@code activatesAt} minus a minute, signing from {@code activatesAt}. */
    public static SigningKey key(SigningAlg alg, String kid, Instant activatesAt) {
        try {
            JWK jwk = MATERIAL.generate(alg, kid);
            return new SigningKey(kid, alg, jwk.toPublicJWK(), MATERIAL.signer(alg, jwk),
                    MATERIAL.verifier(alg, jwk.toPublicJWK()), activatesAt.minusSeconds(60), activatesAt);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a " + alg + " test key", e);
        }
    }

    /** The ring of {@code keys} as it stands at {@code now}. */
    public static KeyRing ring(Instant now, SigningKey... keys) {
        return new KeyRing(List.of(keys), now, MAX_TOKEN_LIFETIME);
    }
}
