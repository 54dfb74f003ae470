package dev.keycard.server.issue;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The claims of an access token Keycard issued (RFC 9068 §2.2), after its signature checked out.
 * Whether it is still valid (expiry, revocation, its client) is the caller's question.
 *
 * @param jti its unique id
 * @param clientId the client it was issued to ({@code client_id})
 * @param subject {@code sub}, the same client in the client credentials grant
 * @param audience {@code aud}, the API (one)
 * @param scope {@code scope}, absent for a grant without scopes
 * @param issuer {@code iss}
 * @param issuedAt {@code iat}, whole seconds
 * @param expiresAt {@code exp}, whole seconds
 * @param dpopJkt {@code cnf.jkt} of a DPoP-bound token (RFC 9449 §6.1): its key's thumbprint
 * @param certificateThumbprint {@code cnf.x5t#S256} of a certificate-bound token (RFC 8705 §3.1)
 */
public record IssuedToken(String jti, String clientId, String subject, List<String> audience, Optional<String> scope,
                          String issuer, Instant issuedAt, Instant expiresAt, Optional<String> dpopJkt,
                          Optional<String> certificateThumbprint) {

    /** A bearer token, bound to no key. */
    public IssuedToken(String jti, String clientId, String subject, List<String> audience, Optional<String> scope,
                       String issuer, Instant issuedAt, Instant expiresAt) {
        this(jti, clientId, subject, audience, scope, issuer, issuedAt, expiresAt, Optional.empty(), Optional.empty());
    }

    public IssuedToken {
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(subject, "subject");
        audience = List.copyOf(audience);
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(dpopJkt, "dpopJkt");
        Objects.requireNonNull(certificateThumbprint, "certificateThumbprint");
    }

    /** {@code DPoP} for a DPoP-bound token, else {@code Bearer}: introspection's {@code token_type}. */
    public String tokenType() {
        return dpopJkt.isPresent() ? "DPoP" : "Bearer";
    }
}
