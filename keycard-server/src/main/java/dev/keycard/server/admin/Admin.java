package dev.keycard.server.admin;

import dev.keycard.server.client.SecretUsage;
import dev.keycard.server.client.Secrets;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.event.Audit;
import dev.keycard.server.http.RouteSupport;
import dev.keycard.server.keys.KeyManager;
import dev.keycard.server.registry.Registry;
import dev.keycard.server.revoke.Revocations;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.RegistryReader;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Assembles the admin API. After every change the registry is reloaded ({@link RegistryRefresh})
 * and the change announced to the other nodes ({@code announce}); it is audited ({@code audit}).
 */
public final class Admin {

    private Admin() {
    }

    public static AdminRoutes routes(RouteSupport support, ServerConfig config, Database db, RegistryReader reader,
                                     KeyManager keys, Revocations revocations, SecretUsage usage, Secrets secrets,
                                     Clock clock, Supplier<String> issuer, Runnable announce, Audit audit) {
        Vertx vertx = support.vertx();
        Registry registry = reader.registry();
        RegistryRefresh refresh = new RegistryRefresh(vertx, reader, keys);
        Runnable changed = () -> {
            refresh.afterWrite();
            announce.run();
        };
        ApiRepository apiRepository = new ApiRepository();
        ApiAdmin apis = new ApiAdmin(db, apiRepository, clock, config.tokenDefaultLifetime(),
                config.tokenMaxLifetime(), changed);
        ClientAdmin clients = new ClientAdmin(db, new ClientRepository(), apiRepository, secrets, clock,
                config.secretGracePeriod(), revocations, changed);
        TokenRevocationAdmin revoke = new TokenRevocationAdmin(db, new ClientRepository(), revocations, clock);
        AdminOperations operations = new AdminOperations(apis, clients, new KeyAdmin(keys), revoke,
                new AdminJson(usage), clock);
        return new AdminRoutes(support, new AdminAuth(keys, registry, issuer, clock, revocations), operations, audit);
    }
}
