package dev.keycard.server.admin;

import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.client.Client;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.ClientRepository;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Keeps at least one client able to call the admin API: a change that would leave none (the last
 * administrator disabling or deleting itself, losing {@code keycard:admin}, the client_credentials
 * grant or its last secret) is refused with 409 before it commits. Changes to administrators take
 * turns on the built-in admin API's row, so two administrators removing each other at once on
 * PostgreSQL cannot both succeed.
 */
final class LastAdministrator {

    private final ClientRepository clients;
    private final ApiRepository apis;
    private final boolean sqlite;

    LastAdministrator(ClientRepository clients, ApiRepository apis, boolean sqlite) {
        this.clients = clients;
        this.apis = apis;
        this.sqlite = sqlite;
    }

    /** Whether {@code client} can get an admin token at {@code now}. */
    static boolean administers(Client client, Instant now) {
        ScopeSet admin = client.grants().get(Api.ADMIN_IDENTIFIER);
        return client.enabled() && client.grantTypes().contains(GrantType.CLIENT_CREDENTIALS)
                && admin != null && admin.contains(new Scope(Api.ADMIN_SCOPE))
                && client.secrets().stream().anyMatch(s -> s.activeAt(now));
    }

    /** A change of one client, made in the caller's transaction. */
    @FunctionalInterface
    interface Change<T> {
        T apply() throws SQLException;
    }

    /**
     * Runs {@code change} of {@code before} (already locked) and, when {@code before} is an
     * administrator, refuses it unless one remains afterwards.
     */
    <T> T guard(Connection c, Client before, Instant now, Change<T> change) throws SQLException {
        boolean wasAdmin = administers(before, now);
        if (wasAdmin) {
            apis.findForUpdate(c, Api.ADMIN_IDENTIFIER, sqlite);
        }
        T result = change.apply();
        if (wasAdmin && clients.countAdministrators(c, Api.ADMIN_IDENTIFIER, Api.ADMIN_SCOPE, now) == 0) {
            throw AdminProblem.conflict("client " + before.id() + " is the last client that can call the admin API"
                    + " (enabled, with " + Api.ADMIN_SCOPE + ", the client_credentials grant and an active secret);"
                    + " give another client " + Api.ADMIN_SCOPE + " first");
        }
        return result;
    }
}
