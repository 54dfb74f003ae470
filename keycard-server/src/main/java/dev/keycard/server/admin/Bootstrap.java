package dev.keycard.server.admin;

import dev.keycard.protocol.ClientId;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientSecret;
import dev.keycard.server.client.Secrets;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.ChangeLog.Change;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * First start: creates the built-in admin API ({@code urn:keycard:admin}, scopes
 * {@code keycard:admin} and {@code keycard:introspect}) and the admin client that holds
 * {@code keycard:admin}. Later starts find them and only add a built-in scope the admin API lacks
 * (a store made by an older Keycard has no {@code keycard:introspect}). Nodes starting together
 * on one PostgreSQL store do this once: the admin API's row is locked before its scopes are
 * completed, and a node whose first-start insert conflicts with another's runs again.
 */
public final class Bootstrap {

    /** What the first start made; the secret is present only when Keycard generated it. */
    public record AdminCredentials(String clientId, Optional<String> generatedSecret) {
        @Override
        public String toString() {
            return "AdminCredentials[" + clientId + "]";
        }
    }

    /** The scopes the admin API always defines. */
    private static final ScopeSet BUILT_IN_SCOPES = ScopeSet.of(Api.ADMIN_SCOPE, Api.INTROSPECT_SCOPE);

    private Bootstrap() {
    }

    /**
     * Creates the admin API and client if the store has no admin API yet, else completes its scopes.
     *
     * @param beforeCommit given the credentials of a newly made admin client while its transaction
     *     is still open, to save them (a file, the console): a start interrupted later (the port is
     *     taken, the process killed) leaves an admin client whose secret someone has. If it throws,
     *     nothing is created.
     */
    public static Optional<AdminCredentials> run(Database db, ServerConfig config, Secrets secrets, Clock clock,
                                                 Consumer<AdminCredentials> beforeCommit) {
        // One secret for every try, told once: PostgreSQL may run the transaction again (a
        // deadlock, a serialization failure), and then the operator must not see two secrets.
        String secret = config.adminClientSecret().orElseGet(secrets::generate);
        java.util.concurrent.atomic.AtomicBoolean told = new java.util.concurrent.atomic.AtomicBoolean();
        Consumer<AdminCredentials> once = created -> {
            if (told.compareAndSet(false, true)) {
                beforeCommit.accept(created);
            }
        };
        try {
            return once(db, config, secrets, secret, clock, once);
        } catch (StoreException e) {
            if (e.kind() != StoreException.Kind.CONFLICT) {
                throw e;
            }
            // Nodes starting together on an empty store all find no admin API (there is no row to
            // lock yet), and every insert but the first conflicts: run again and find the first's.
            return once(db, config, secrets, secret, clock, once);
        }
    }

    private static Optional<AdminCredentials> once(Database db, ServerConfig config, Secrets secrets, String secret,
                                                   Clock clock, Consumer<AdminCredentials> beforeCommit) {
        ApiRepository apis = new ApiRepository();
        ClientRepository clients = new ClientRepository();
        return db.transaction(c -> {
            Instant now = clock.instant();
            Optional<Api> existing = apis.findForUpdate(c, Api.ADMIN_IDENTIFIER, db.isSqlite());
            if (existing.isPresent()) {
                Api before = existing.get();
                ScopeSet missing = before.scopes().missing(BUILT_IN_SCOPES);
                if (!missing.isEmpty()) {
                    Set<Scope> all = new TreeSet<>(before.scopes().asSet());
                    all.addAll(missing.asSet());
                    apis.update(c, before, new Api(before.identifier(), before.name(), ScopeSet.of(all),
                            before.tokenLifetime(), before.signingAlg(), before.enabled(), before.builtIn(),
                            before.createdAt(), now, before.tokenType()));
                    db.changes().record(c, Change.api(Api.ADMIN_IDENTIFIER), now);
                }
                return Optional.empty();
            }
            apis.insert(c, new Api(Api.ADMIN_IDENTIFIER, "Keycard admin API", BUILT_IN_SCOPES,
                    config.tokenDefaultLifetime(), SigningAlg.RS256, true, true, now, now));
            Optional<String> given = config.adminClientSecret();
            ClientSecret stored = secrets.stored(secret, now);
            clients.insert(c, adminClient(config.adminClientId(), stored, now));
            db.changes().record(c, List.of(Change.api(Api.ADMIN_IDENTIFIER), Change.client(config.adminClientId())), now);
            AdminCredentials created = new AdminCredentials(config.adminClientId(),
                    given.isPresent() ? Optional.empty() : Optional.of(secret));
            beforeCommit.accept(created);
            return Optional.of(created);
        });
    }

    /** The admin client as a first start makes it: enabled, secrets by Basic or post, {@code keycard:admin}. */
    static Client adminClient(String clientId, ClientSecret secret, Instant now) {
        return new Client(new ClientId(clientId), "Keycard admin", true, ClientAdmin.METHODS,
                Set.of(GrantType.CLIENT_CREDENTIALS), Optional.of(Api.ADMIN_IDENTIFIER),
                Map.of(Api.ADMIN_IDENTIFIER, ScopeSet.of(Api.ADMIN_SCOPE)), List.of(secret), now, now);
    }
}
