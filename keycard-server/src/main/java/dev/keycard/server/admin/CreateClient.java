package dev.keycard.server.admin;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.config.RateLimit;
import dev.keycard.server.registry.ClientKeys;
import dev.keycard.server.registry.TlsClientAuth;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Register a client; it gets a secret, shown once, when it authenticates with one.
 *
 * @param clientId empty: one is generated
 * @param authMethods empty: {@code private_key_jwt} for a client with keys, else both secret methods
 * @param grantTypes empty: client_credentials
 * @param grants for each API identifier, the scopes granted there
 * @param tokenRateLimit empty: the server's default
 * @param keys its public keys for {@code private_key_jwt}, if any
 * @param dpopBound {@code dpop_bound_access_tokens}: every token request must carry a DPoP proof
 * @param tlsAuth the certificate attribute of a {@code tls_client_auth} client (RFC 8705 §2.1.2)
 * @param certificateBound {@code tls_client_certificate_bound_access_tokens} (RFC 8705 §3.4)
 */
public record CreateClient(Optional<String> clientId, String name, Optional<Set<ClientAuthMethod>> authMethods,
                           Optional<Set<GrantType>> grantTypes, Optional<String> defaultApi,
                           Map<String, ScopeSet> grants, Optional<RateLimit> tokenRateLimit, ClientKeys keys,
                           boolean dpopBound, Optional<TlsClientAuth> tlsAuth, boolean certificateBound) {

    /** A client whose tokens are bound only when it sends a DPoP proof. */
    public CreateClient(Optional<String> clientId, String name, Optional<Set<ClientAuthMethod>> authMethods,
                        Optional<Set<GrantType>> grantTypes, Optional<String> defaultApi,
                        Map<String, ScopeSet> grants, Optional<RateLimit> tokenRateLimit, ClientKeys keys) {
        this(clientId, name, authMethods, grantTypes, defaultApi, grants, tokenRateLimit, keys, false, Optional.empty(),
                false);
    }

    public CreateClient {
        Objects.requireNonNull(name, "name");
        grants = Map.copyOf(grants);
        Objects.requireNonNull(keys, "keys");
    }
}
