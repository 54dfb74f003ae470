package dev.keycard.resource;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A DPoP proof (RFC 9449 §4) that passed every check of §4.3.
 *
 * @param jwkThumbprint the RFC 7638 SHA-256 thumbprint of the proof's public key, base64url: what
 *     a DPoP-bound token's {@code cnf.jkt} holds (§6.1)
 * @param jti the proof's unique identifier
 * @param issuedAt {@code iat}
 * @param nonce the server nonce it carried, if any
 */
public record DPoPProof(String jwkThumbprint, String jti, Instant issuedAt, Optional<String> nonce) {

    public DPoPProof {
        Objects.requireNonNull(jwkThumbprint, "jwkThumbprint");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(nonce, "nonce");
    }
}
