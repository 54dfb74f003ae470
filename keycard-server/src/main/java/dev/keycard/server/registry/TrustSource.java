package dev.keycard.server.registry;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An external issuer whose tokens a workload may present instead of a secret (workload identity
 * federation): a Kubernetes cluster, GitHub Actions, a SPIFFE trust domain or any OpenID Connect
 * issuer. Its tokens are client assertions (RFC 7521 §4.2, RFC 7523 §2.2) whose {@code iss} is
 * {@link #issuer()} (for SPIFFE, whose JWT-SVIDs need not name an issuer, whose {@code sub} lies in
 * the trust domain), verified with the keys named here and mapped to a client by a
 * {@link FederatedIdentity}.
 *
 * @param name how the admin API and the CLI name it
 * @param kind the preset it was made with, which adds its own checks
 * @param issuer the exact {@code iss} of its tokens; for SPIFFE {@code spiffe://<trust domain>}
 * @param keys where its signing keys come from: exactly one of OIDC discovery from the issuer,
 *     a {@code jwks_uri} (a SPIFFE bundle endpoint) or an inline JWK Set
 * @param audience the {@code aud} its tokens must hold for Keycard; empty: Keycard's issuer identifier
 * @param maxTokenLifetime how long after its issue ({@code iat}, else {@code nbf}) a token is
 *     accepted, whatever its {@code exp}: its effective lifetime here
 */
public record TrustSource(String name, Kind kind, String issuer, Keys keys, Optional<String> audience,
                          Duration maxTokenLifetime, Instant createdAt) {

    /** The presets: each fills defaults and adds checks of its platform's tokens. */
    public enum Kind {
        /** Kubernetes service-account tokens (projected volumes); subjects {@code system:serviceaccount:NS:NAME}. */
        KUBERNETES,
        /** GitHub Actions OIDC tokens; subjects such as {@code repo:OWNER/REPO:ref:refs/heads/main}. */
        GITHUB_ACTIONS,
        /** SPIFFE JWT-SVIDs (draft-ietf-oauth-spiffe-client-auth); subjects are SPIFFE IDs of the trust domain. */
        SPIFFE,
        /** Any OpenID Connect issuer. */
        OIDC;

        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Optional<Kind> fromWire(String value) {
            for (Kind k : values()) {
                if (k.wire().equals(value)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Where a trust source's keys come from, exactly one of three.
     *
     * @param discovery fetch {@code <issuer>/.well-known/openid-configuration}, whose {@code issuer}
     *     must equal the configured one, and use its {@code jwks_uri}
     * @param jwksUri a JWK Set (or SPIFFE bundle) at this URL
     * @param jwks a JWK Set given inline (a private cluster's keys, read from a file by the CLI)
     */
    public record Keys(boolean discovery, Optional<URI> jwksUri, Optional<String> jwks) {
        public Keys {
            Objects.requireNonNull(jwksUri, "jwksUri");
            Objects.requireNonNull(jwks, "jwks");
            if ((discovery ? 1 : 0) + (jwksUri.isPresent() ? 1 : 0) + (jwks.isPresent() ? 1 : 0) != 1) {
                throw new IllegalArgumentException("exactly one of discovery, jwks_uri and jwks");
            }
        }

        public static Keys discovered() {
            return new Keys(true, Optional.empty(), Optional.empty());
        }

        public static Keys at(URI jwksUri) {
            return new Keys(false, Optional.of(jwksUri), Optional.empty());
        }

        public static Keys inline(String jwks) {
            return new Keys(false, Optional.empty(), Optional.of(jwks));
        }
    }

    public TrustSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(maxTokenLifetime, "maxTokenLifetime");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
