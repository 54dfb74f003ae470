package dev.keycard.server.admin;

import dev.keycard.protocol.ClientId;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.client.Client;
import dev.keycard.server.client.ClientSecret;
import dev.keycard.server.client.Secrets;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * First start: creates the built-in admin API ({@code urn:keycard:admin}, scope
 * {@code keycard:admin}) and the admin client that holds it. Later starts find them and do nothing.
 */
public final class Bootstrap {

    /** What the first start made; the secret is present only when Keycard generated it. */
    public record AdminCredentials(String clientId, Optional<String> generatedSecret) {
        @Override
        public String toString() {
            return "AdminCredentials[" + clientId + "]";
        }
    }

    private Bootstrap() {
    }

    /** Creates the admin API and client if the store has no admin API yet. */
    public static Optional<AdminCredentials> run(Database db, ServerConfig config, Secrets secrets, Clock clock) {
        ApiRepository apis = new ApiRepository();
        ClientRepository clients = new ClientRepository();
        return db.transaction(c -> {
            if (apis.exists(c, Api.ADMIN_IDENTIFIER)) {
                return Optional.empty();
            }
            Instant now = clock.instant();
            apis.insert(c, new Api(Api.ADMIN_IDENTIFIER, "Keycard admin API", ScopeSet.of(Api.ADMIN_SCOPE),
                    config.tokenDefaultLifetime(), SigningAlg.RS256, true, true, now, now));
            Optional<String> given = config.adminClientSecret();
            String secret = given.orElseGet(secrets::generate);
            ClientSecret stored = new ClientSecret(secrets.newId("sec_"), Secrets.digest(secret),
                    Secrets.hint(secret), now, null, null);
            clients.insert(c, new Client(new ClientId(config.adminClientId()), "Keycard admin", true,
                    ClientAdmin.METHODS, Set.of(GrantType.CLIENT_CREDENTIALS),
                    Optional.of(Api.ADMIN_IDENTIFIER), Map.of(Api.ADMIN_IDENTIFIER, ScopeSet.of(Api.ADMIN_SCOPE)),
                    List.of(stored), now, now));
            return Optional.of(new AdminCredentials(config.adminClientId(),
                    given.isPresent() ? Optional.empty() : Optional.of(secret)));
        });
    }
}
