package dev.keycard.server.keys;

import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import dev.keycard.server.api.SigningAlg;
import java.time.Instant;

/**
 * A loaded signing key, ready on the token path: the signer is built once, with the key converted
 * to the signing provider's own form.
 *
 * @param kid its key id, the {@code kid} of every token it signs
 * @param alg the one algorithm it signs with (RFC 8725 §3.1: one key, one algorithm)
 * @param publicJwk what the JWKS publishes
 * @param signer signs with the private part
 * @param verifier verifies with the public part
 * @param createdAt when it was made, and published
 * @param activatesAt when it starts signing: {@code keys.publish-lead} after it was published,
 *     so that verifiers caching the JWKS know it before its first token
 */
public record SigningKey(String kid, SigningAlg alg, JWK publicJwk, JWSSigner signer, JWSVerifier verifier,
                         Instant createdAt, Instant activatesAt) {

    @Override
    public String toString() {
        return "SigningKey[" + kid + ", " + alg + "]";
    }
}
