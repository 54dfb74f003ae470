package dev.keycard.server.admin;

import dev.keycard.server.api.AccessTokenType;
import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.ChangeLog.Change;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Admin use cases for APIs (resource servers): typed commands in, domain values out. The adapter
 * has checked each field's syntax; here are the rules that need the registry. Blocking: called
 * off the event loop.
 */
public final class ApiAdmin {

    private final Database db;
    private final ApiRepository apis;
    private final Clock clock;
    private final Duration defaultLifetime;
    private final ClientRepository clients;
    private final RegistryRefresh registry;

    ApiAdmin(Database db, ApiRepository apis, ClientRepository clients, Clock clock, Duration defaultLifetime,
             RegistryRefresh registry) {
        this.db = db;
        this.apis = apis;
        this.clock = clock;
        this.defaultLifetime = defaultLifetime;
        this.clients = clients;
        this.registry = registry;
    }

    /** A page of APIs in identifier order, after {@code query}'s cursor. */
    public Page<Api> list(ListQuery query) {
        return db.transaction(c -> Page.of(apis.page(c, query.after(), query.limit() + 1), query.limit(),
                Api::identifier));
    }

    public Api get(String identifier) {
        return db.transaction(c -> apis.find(c, identifier)).orElseThrow(() -> notFound(identifier));
    }

    public Api create(CreateApi command) {
        Instant now = clock.instant();
        Api api = new Api(command.identifier(), command.name(), command.scopes(),
                command.lifetime().orElse(defaultLifetime), command.signingAlg().orElse(SigningAlg.RS256), true, false,
                now, now, command.tokenType().orElse(AccessTokenType.AT_JWT));
        db.transaction(c -> {
            if (apis.exists(c, api.identifier())) {
                throw AdminProblem.conflict("an API with identifier " + api.identifier() + " exists");
            }
            apis.insert(c, api);
            registry.record(c, Change.api(api.identifier()));
            return null;
        });
        registry.committed(Change.api(api.identifier()));
        return api;
    }

    /**
     * Changes the API. Removing scopes takes them from the clients granted them (the store
     * cascades): those clients change too.
     */
    public Api update(String identifier, UpdateApi command) {
        List<Change> changes = new ArrayList<>();
        Api updated = db.transaction(c -> {
            changes.clear(); // the transaction may run again
            Api before = lock(c, identifier);
            if (before.builtIn() && (command.scopes().isPresent() || command.enabled().isPresent()
                    || command.tokenType().filter(t -> t != before.tokenType()).isPresent())) {
                throw AdminProblem.conflict("the built-in admin API's scopes, state and token type cannot change");
            }
            Api after = new Api(before.identifier(), command.name().orElse(before.name()),
                    command.scopes().orElse(before.scopes()), command.lifetime().orElse(before.tokenLifetime()),
                    command.signingAlg().orElse(before.signingAlg()), command.enabled().orElse(before.enabled()),
                    before.builtIn(), before.createdAt(), clock.instant(), command.tokenType().orElse(before.tokenType()));
            List<Change> changed = new ArrayList<>();
            changed.add(Change.api(identifier));
            if (!after.scopes().containsAll(before.scopes())) {
                clients.using(c, identifier).forEach(id -> changed.add(Change.client(id)));
            }
            apis.update(c, before, after);
            registry.record(c, changed);
            changes.addAll(changed);
            return after;
        });
        registry.committed(changes);
        return updated;
    }

    /** Deletes the API, with every grant of it and every client's choice of it as default. */
    public void delete(String identifier) {
        List<Change> changes = db.transaction(c -> {
            Api api = lock(c, identifier);
            if (api.builtIn()) {
                throw AdminProblem.conflict("the built-in admin API cannot be deleted");
            }
            List<Change> changed = new ArrayList<>();
            changed.add(Change.api(identifier));
            clients.using(c, identifier).forEach(id -> changed.add(Change.client(id)));
            apis.delete(c, identifier);
            registry.record(c, changed);
            return changed;
        });
        registry.committed(changes);
    }

    /**
     * The API, locked for the rest of the transaction: the first step of every change that reads
     * the API and decides on it, so that concurrent changes (on PostgreSQL, also from other nodes)
     * take turns and none is lost ({@link ApiRepository#findForUpdate}).
     */
    private Api lock(Connection c, String identifier) throws SQLException {
        return apis.findForUpdate(c, identifier, db.isSqlite()).orElseThrow(() -> notFound(identifier));
    }

    static AdminProblem notFound(String identifier) {
        return AdminProblem.notFound("no API with identifier " + identifier);
    }
}
