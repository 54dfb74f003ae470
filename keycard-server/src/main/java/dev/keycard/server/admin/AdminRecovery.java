package dev.keycard.server.admin;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientSecret;
import dev.keycard.server.client.Secrets;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.store.ChangeLog;
import dev.keycard.server.store.ChangeLog.Change;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.RevocationRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The way back in for an operator who has lost the admin credentials (an interrupted first start,
 * a deleted file): with access to the store alone, the admin client ({@code admin.client-id}) gets
 * one new secret, every other secret of it is deleted and every token it holds revoked, and it is
 * made able to call the admin API again (enabled, the client_credentials grant,
 * {@code keycard:admin}). It is created when missing; on an empty store this is a first start's
 * bootstrap (which takes {@code admin.client-secret} when it is set). Nodes on PostgreSQL hear of it at once; a running single node on SQLite reads it at its
 * next start.
 */
public final class AdminRecovery {

    private AdminRecovery() {
    }

    /**
     * @param beforeCommit given the new credentials before they are committed, to save them
     * @return the admin client's id and its new secret
     */
    public static Bootstrap.AdminCredentials resetCredentials(Database db, ServerConfig config, Secrets secrets,
            Clock clock, Consumer<Bootstrap.AdminCredentials> beforeCommit) {
        Optional<Bootstrap.AdminCredentials> bootstrapped = Bootstrap.run(db, config, secrets,
                clock, beforeCommit);
        if (bootstrapped.isPresent()) {
            return bootstrapped.get();
        }
        ClientRepository clients = new ClientRepository();
        String id = config.adminClientId();
        String value = secrets.generate();
        Bootstrap.AdminCredentials reset = new Bootstrap.AdminCredentials(id, Optional.of(value));
        db.transaction(c -> {
            Instant now = clock.instant();
            ClientSecret secret = secrets.stored(value, now);
            Optional<Client> found = clients.findForUpdate(c, id, db.isSqlite());
            if (found.isEmpty()) {
                clients.insert(c, Bootstrap.adminClient(id, secret, now));
                db.changes().record(c, Change.client(id), now);
            } else {
                Client before = found.get();
                for (ClientSecret old : before.secrets()) {
                    clients.deleteSecret(c, id, old.id());
                }
                clients.insertSecret(c, id, secret);
                Set<GrantType> grantTypes = new HashSet<>(before.grantTypes());
                grantTypes.add(GrantType.CLIENT_CREDENTIALS);
                Set<ClientAuthMethod> methods = new HashSet<>(before.authMethods());
                methods.addAll(ClientAdmin.METHODS); // the new secret must work, whatever it used before
                clients.update(c, new Client(before.id(), before.name(), true, methods, grantTypes, before.defaultApi(), before.grants(),
                        before.secrets(), before.createdAt(), now, before.tokenRateLimit(), before.keys(), before.identities(),
                        before.dpopBound()));
                Set<Scope> scopes = new TreeSet<>();
                Optional.ofNullable(before.grants().get(Api.ADMIN_IDENTIFIER)).ifPresent(g -> scopes.addAll(g.asSet()));
                scopes.add(new Scope(Api.ADMIN_SCOPE));
                clients.putGrant(c, id, Api.ADMIN_IDENTIFIER, ScopeSet.of(scopes));
                // The old credentials may be in someone else's hands: so may its tokens.
                new RevocationRepository().putClientRevocation(c, id, now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
                // Running nodes reread both from the change log.
                db.changes().record(c, List.of(Change.client(id), new Change(ChangeLog.Kind.CLIENT_REVOCATION, id)), now);
            }
            beforeCommit.accept(reset);
            return null;
        });
        return reset;
    }
}
