package dev.keycard.server.registry;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The public keys a client signs its assertions with ({@code private_key_jwt}, RFC 7523 §2.2):
 * a JWK Set given inline or the URL where the client publishes one, never both (RFC 7591 §2).
 *
 * @param jwks the JWK Set's JSON, public keys only (the admin API checks it)
 * @param jwksUri where the client publishes its JWK Set
 * @param signingAlg {@code token_endpoint_auth_signing_alg}: the one algorithm its assertions
 *     must use; empty: any of the server's
 */
public record ClientKeys(Optional<String> jwks, Optional<URI> jwksUri, Optional<String> signingAlg) {

    /** No keys: the client cannot use {@code private_key_jwt}. */
    public static final ClientKeys NONE = new ClientKeys(Optional.empty(), Optional.empty(), Optional.empty());

    public ClientKeys {
        Objects.requireNonNull(jwks, "jwks");
        Objects.requireNonNull(jwksUri, "jwksUri");
        Objects.requireNonNull(signingAlg, "signingAlg");
        if (jwks.isPresent() && jwksUri.isPresent()) {
            throw new IllegalArgumentException("jwks and jwks_uri are alternatives (RFC 7591 §2)");
        }
    }

    /** Whether the client registered keys, inline or by URL. */
    public boolean present() {
        return jwks.isPresent() || jwksUri.isPresent();
    }
}
