package dev.keycard.server.admin;

import dev.keycard.protocol.GrantType;
import dev.keycard.server.api.Api;
import dev.keycard.server.registry.Client;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.ClientRepository;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Keeps at least one client able to call the admin API: a change that would leave none (the last
 * administrator disabling or deleting itself, losing {@code keycard:admin}, the client_credentials
 * grant or its current secret) is refused with 409 before it commits. A secret in its grace
 * period does not count: it stops working by itself. Changes to administrators take
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

    /** Whether {@code client} can get admin tokens for good (not only until a grace period ends). */
    static boolean administers(Client client) {
        return client.enabled() && client.grantTypes().contains(GrantType.CLIENT_CREDENTIALS) && client.grantedAdmin()
                && client.secrets().stream().anyMatch(s -> s.expiresAt() == null);
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
    <T> T guard(Connection c, Client before, Change<T> change) throws SQLException {
        boolean wasAdmin = administers(before);
        if (wasAdmin) {
            apis.findForUpdate(c, Api.ADMIN_IDENTIFIER, sqlite);
        }
        T result = change.apply();
        if (wasAdmin && clients.countAdministrators(c, Api.ADMIN_IDENTIFIER, Api.ADMIN_SCOPE) == 0) {
            throw AdminProblem.conflict("client " + before.id() + " is the last client that can call the admin API"
                    + " (enabled, with " + Api.ADMIN_SCOPE + ", the client_credentials grant and a current secret);"
                    + " give another client " + Api.ADMIN_SCOPE + " first");
        }
        return result;
    }
}
