package dev.keycard.server.admin;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.GrantType;
import dev.keycard.server.config.RateLimit;
import java.util.Optional;
import java.util.Set;

/** Change a client: each field present is set, the others kept; the default API and the rate may be cleared. */
public record UpdateClient(Optional<String> name, Optional<Set<ClientAuthMethod>> authMethods,
                           Optional<Set<GrantType>> grantTypes, Patch<String> defaultApi, Optional<Boolean> enabled,
                           Patch<RateLimit> tokenRateLimit) {

    /** Only enable or disable. */
    public static UpdateClient enabled(boolean enabled) {
        return new UpdateClient(Optional.empty(), Optional.empty(), Optional.empty(), Patch.keep(),
                Optional.of(enabled), Patch.keep());
    }
}
