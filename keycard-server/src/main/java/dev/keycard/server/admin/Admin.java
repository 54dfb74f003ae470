package dev.keycard.server.admin;

import dev.keycard.server.client.Secrets;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.keys.KeyManager;
import dev.keycard.server.revoke.Revocations;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.RegistryReader;
import dev.keycard.server.store.TrustSourceRepository;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Assembles the admin use cases. Every change records itself in the store's change log, which
 * tells the other nodes, and then brings this node's registry up to date ({@link RegistryRefresh}).
 */
public final class Admin {

    private Admin() {
    }

    /** @param background where a registry refresh that failed is tried again */
    public static AdminUseCases useCases(ServerConfig config, Database db, RegistryReader reader, KeyManager keys,
                                         Revocations revocations, Secrets secrets, Clock clock,
                                         ScheduledExecutorService background) {
        RegistryRefresh refresh = new RegistryRefresh(background, db, reader, keys, clock);
        ApiRepository apiRepository = new ApiRepository();
        ClientRepository clientRepository = new ClientRepository();
        ApiAdmin apis = new ApiAdmin(db, apiRepository, clientRepository, clock, config.tokenDefaultLifetime(),
                refresh);
        ClientAdmin clients = new ClientAdmin(db, clientRepository, apiRepository, secrets, clock,
                config.secretGracePeriod(), revocations, refresh, config.receivesClientCertificates(),
                config.clientCaFile().isPresent());
        TokenRevocationAdmin revoke = new TokenRevocationAdmin(db, new ClientRepository(), revocations, clock);
        TrustAdmin trust = new TrustAdmin(db, new TrustSourceRepository(), clock, refresh,
                config.assertions().allowHttpJwksUri());
        return new AdminUseCases(apis, clients, new KeyAdmin(keys), revoke, trust);
    }
}
