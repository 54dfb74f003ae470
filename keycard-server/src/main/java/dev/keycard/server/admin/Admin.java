package dev.keycard.server.admin;

import dev.keycard.server.client.Secrets;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.keys.KeyManager;
import dev.keycard.server.revoke.Revocations;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.RegistryReader;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Assembles the admin use cases. After every change the registry is brought up to date
 * ({@link RegistryRefresh}) and the change announced to the other nodes ({@code announce}).
 */
public final class Admin {

    private Admin() {
    }

    /**
     * @param background where a registry refresh that failed is tried again
     * @param announce tells the other nodes on the store that the registry changed
     */
    public static AdminUseCases useCases(ServerConfig config, Database db, RegistryReader reader, KeyManager keys,
                                         Revocations revocations, Secrets secrets, Clock clock,
                                         ScheduledExecutorService background, Runnable announce) {
        RegistryRefresh refresh = new RegistryRefresh(background, reader, keys);
        Runnable changed = () -> {
            refresh.afterWrite();
            announce.run();
        };
        ApiRepository apiRepository = new ApiRepository();
        ApiAdmin apis = new ApiAdmin(db, apiRepository, clock, config.tokenDefaultLifetime(), changed);
        ClientAdmin clients = new ClientAdmin(db, new ClientRepository(), apiRepository, secrets, clock,
                config.secretGracePeriod(), revocations, changed);
        TokenRevocationAdmin revoke = new TokenRevocationAdmin(db, new ClientRepository(), revocations, clock);
        return new AdminUseCases(apis, clients, new KeyAdmin(keys), revoke);
    }
}
