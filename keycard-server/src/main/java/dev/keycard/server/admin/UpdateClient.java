package dev.keycard.server.admin;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.GrantType;
import dev.keycard.server.config.RateLimit;
import dev.keycard.server.registry.ClientKeys;
import dev.keycard.server.registry.TlsClientAuth;
import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * Change a client: each field present is set, the others kept; the default API, the rate and the
 * keys may be cleared. Setting {@code jwks} drops a {@code jwks_uri} and the other way round
 * (RFC 7591 §2: never both).
 */
public record UpdateClient(Optional<String> name, Optional<Set<ClientAuthMethod>> authMethods,
                           Optional<Set<GrantType>> grantTypes, Patch<String> defaultApi, Optional<Boolean> enabled,
                           Patch<RateLimit> tokenRateLimit, Patch<String> jwks, Patch<URI> jwksUri,
                           Patch<String> signingAlg, Optional<Boolean> dpopBound, Patch<TlsClientAuth> tlsAuth,
                           Optional<Boolean> certificateBound) {

    /** Only enable or disable. */
    public static UpdateClient enabled(boolean enabled) {
        return new UpdateClient(Optional.empty(), Optional.empty(), Optional.empty(), Patch.keep(),
                Optional.of(enabled), Patch.keep(), Patch.keep(), Patch.keep(), Patch.keep(), Optional.empty(), Patch.keep(),
                Optional.empty());
    }

    /** The client's keys after this change. */
    ClientKeys keysAfter(ClientKeys before) {
        Optional<String> inline = jwks.applyTo(before::jwks);
        Optional<URI> uri = jwksUri.applyTo(before::jwksUri);
        if (jwks.value().isPresent()) {
            uri = Optional.empty();
        }
        if (jwksUri.value().isPresent()) {
            inline = Optional.empty();
        }
        return new ClientKeys(inline, uri, signingAlg.applyTo(before::signingAlg));
    }
}
