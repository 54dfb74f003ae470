package dev.keycard.server.api;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.Arrays;
import java.util.Optional;

/**
 * The JWS algorithms an API may choose for its tokens (RFC 7518 §3, RFC 8037 §3.1). A closed set:
 * each needs key generation and a signer, so a new one is new code, not configuration.
 */
public enum SigningAlg {
    /** RSASSA-PKCS1-v1_5 with SHA-256; RFC 9068 §4 requires every verifier to support it. */
    RS256(JWSAlgorithm.RS256),
    /** RSASSA-PSS with SHA-256. */
    PS256(JWSAlgorithm.PS256),
    /** ECDSA on P-256 with SHA-256. */
    ES256(JWSAlgorithm.ES256),
    /** EdDSA on Ed25519 (RFC 8037). */
    EdDSA(JWSAlgorithm.EdDSA);

    private final JWSAlgorithm jws;

    SigningAlg(JWSAlgorithm jws) {
        this.jws = jws;
    }

    public JWSAlgorithm jws() {
        return jws;
    }

    /** The algorithm named exactly {@code name}, as JWS writes it. */
    public static Optional<SigningAlg> named(String name) {
        return Arrays.stream(values()).filter(a -> a.name().equals(name)).findFirst();
    }
}
