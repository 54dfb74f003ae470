package dev.keycard.server.admin;

import dev.keycard.server.api.AccessTokenType;
import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
    private final Runnable changed;

    ApiAdmin(Database db, ApiRepository apis, Clock clock, Duration defaultLifetime, Runnable changed) {
        this.db = db;
        this.apis = apis;
        this.clock = clock;
        this.defaultLifetime = defaultLifetime;
        this.changed = changed;
    }

    public List<Api> list() {
        return db.transaction(apis::findAll);
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
            return null;
        });
        changed.run();
        return api;
    }

    public Api update(String identifier, UpdateApi command) {
        Api updated = db.transaction(c -> {
            Api before = lock(c, identifier);
            if (before.builtIn() && (command.scopes().isPresent() || command.enabled().isPresent()
                    || command.tokenType().filter(t -> t != before.tokenType()).isPresent())) {
                throw AdminProblem.conflict("the built-in admin API's scopes, state and token type cannot change");
            }
            Api after = new Api(before.identifier(), command.name().orElse(before.name()),
                    command.scopes().orElse(before.scopes()), command.lifetime().orElse(before.tokenLifetime()),
                    command.signingAlg().orElse(before.signingAlg()), command.enabled().orElse(before.enabled()),
                    before.builtIn(), before.createdAt(), clock.instant(), command.tokenType().orElse(before.tokenType()));
            apis.update(c, before, after);
            return after;
        });
        changed.run();
        return updated;
    }

    public void delete(String identifier) {
        db.transaction(c -> {
            Api api = lock(c, identifier);
            if (api.builtIn()) {
                throw AdminProblem.conflict("the built-in admin API cannot be deleted");
            }
            apis.delete(c, identifier);
            return null;
        });
        changed.run();
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
