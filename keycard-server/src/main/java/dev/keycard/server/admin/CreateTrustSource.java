package dev.keycard.server.admin;

import dev.keycard.server.registry.TrustSource;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Register a trust source. What is left empty the preset ({@code kind}) fills: GitHub Actions
 * knows its issuer and uses discovery; Kubernetes and OIDC use discovery from the issuer unless
 * keys are given; SPIFFE needs its trust domain and bundle endpoint.
 *
 * @param name empty: the kind's name, or the trust domain for SPIFFE
 * @param issuer for SPIFFE, the trust domain ({@code prod.acme} or {@code spiffe://prod.acme})
 * @param jwksUri the issuer's JWK Set (for SPIFFE: the bundle endpoint)
 * @param jwks an inline JWK Set
 * @param audience empty: Keycard's issuer identifier
 * @param maxTokenLifetime empty: the kind's default
 */
public record CreateTrustSource(Optional<String> name, TrustSource.Kind kind, Optional<String> issuer,
                                Optional<URI> jwksUri, Optional<String> jwks, Optional<String> audience,
                                Optional<Duration> maxTokenLifetime) {
    public CreateTrustSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(jwksUri, "jwksUri");
        Objects.requireNonNull(jwks, "jwks");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(maxTokenLifetime, "maxTokenLifetime");
    }
}
