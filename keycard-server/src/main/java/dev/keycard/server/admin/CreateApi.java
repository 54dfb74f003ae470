package dev.keycard.server.admin;

import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.AccessTokenType;
import dev.keycard.server.api.SigningAlg;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Register an API.
 *
 * @param identifier its identifier, an absolute URI (checked by the adapter, RFC 8707)
 * @param lifetime its tokens' lifetime; empty: {@code token.default-lifetime}
 * @param signingAlg empty: RS256
 * @param tokenType empty: {@code at+jwt}
 */
public record CreateApi(String identifier, String name, ScopeSet scopes, Optional<Duration> lifetime,
                        Optional<SigningAlg> signingAlg, Optional<AccessTokenType> tokenType) {

    public CreateApi {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scopes, "scopes");
    }
}
