package dev.keycard.server.admin;

import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.AccessTokenType;
import dev.keycard.server.api.SigningAlg;
import java.time.Duration;
import java.util.Optional;

/** Change an API: each field present is set, the others kept. */
public record UpdateApi(Optional<String> name, Optional<ScopeSet> scopes, Optional<Duration> lifetime,
                        Optional<SigningAlg> signingAlg, Optional<Boolean> enabled, Optional<AccessTokenType> tokenType) {
}
