package dev.keycard.resource;

import dev.keycard.protocol.ScopeSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JWT access token that passed every check of RFC 9068 §4: what the API may rely on.
 *
 * @param issuer {@code iss}, equal to the configured issuer
 * @param subject {@code sub}; for a client-credentials token, the client (RFC 9068 §2.2)
 * @param clientId {@code client_id}
 * @param audiences {@code aud}, containing one of the expected audiences
 * @param scopes {@code scope}, empty when the token has none
 * @param issuedAt {@code iat}
 * @param expiresAt {@code exp}
 * @param jwtId {@code jti}
 * @param claims every claim of the token, for those an application defines itself
 */
public record VerifiedToken(String issuer, String subject, String clientId, List<String> audiences, ScopeSet scopes,
                            Instant issuedAt, Instant expiresAt, String jwtId, Map<String, Object> claims) {

    public VerifiedToken {
        audiences = List.copyOf(audiences);
        claims = Map.copyOf(claims);
    }

    /**
     * {@code cnf.jkt} (RFC 9449 §6.1): the thumbprint of the DPoP key the token is bound to, when
     * it is; such a token is accepted only with a proof signed by that key.
     */
    public Optional<String> dpopThumbprint() {
        return confirmation("jkt");
    }

    /**
     * {@code cnf.x5t#S256} (RFC 8705 §3.1): the thumbprint of the client certificate the token is
     * bound to, when it is.
     */
    public Optional<String> certificateThumbprint() {
        return confirmation("x5t#S256");
    }

    /** Whether the token is bound to a key ({@code cnf}) at all. */
    public boolean isBound() {
        return claims.get("cnf") != null;
    }

    private Optional<String> confirmation(String member) {
        return claims.get("cnf") instanceof Map<?, ?> cnf && cnf.get(member) instanceof String value
                ? Optional.of(value) : Optional.empty();
    }

    /** Whether the token carries every one of these scopes. */
    public boolean hasScopes(ScopeSet required) {
        return scopes.containsAll(required);
    }

    /** Names the client and the scopes, never the token itself. */
    @Override
    public String toString() {
        return "VerifiedToken[client_id=" + clientId + ", scope=" + scopes + ", aud=" + audiences
                + ", exp=" + expiresAt + ", jti=" + jwtId + "]";
    }
}
