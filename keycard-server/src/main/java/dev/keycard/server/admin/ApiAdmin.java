package dev.keycard.server.admin;

import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.AccessTokenType;
import dev.keycard.server.api.Api;
import dev.keycard.server.api.ResourceIdentifiers;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.Database;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Admin use cases for APIs (resource servers). Blocking: called off the event loop. */
final class ApiAdmin {

    private static final Set<String> CREATE_FIELDS = Set.of("identifier", "name", "scopes", "token_lifetime",
            "signing_alg", "token_type");
    private static final Set<String> UPDATE_FIELDS = Set.of("name", "scopes", "token_lifetime", "signing_alg",
            "enabled", "token_type");

    private final Database db;
    private final ApiRepository apis;
    private final Clock clock;
    private final Duration defaultLifetime;
    private final Duration maxLifetime;
    private final Runnable changed;

    ApiAdmin(Database db, ApiRepository apis, Clock clock, Duration defaultLifetime, Duration maxLifetime,
             Runnable changed) {
        this.db = db;
        this.apis = apis;
        this.clock = clock;
        this.defaultLifetime = defaultLifetime;
        this.maxLifetime = maxLifetime;
        this.changed = changed;
    }

    List<Api> list() {
        return db.transaction(apis::findAll);
    }

    Api get(String identifier) {
        return db.transaction(c -> apis.find(c, identifier)).orElseThrow(() -> notFound(identifier));
    }

    Api create(JsonObject body) {
        Fields f = new Fields(body);
        f.rejectUnknown(CREATE_FIELDS);
        Optional<String> identifier = f.text("identifier", true, 2048);
        identifier.filter(id -> !ResourceIdentifiers.isValid(id))
                .ifPresent(id -> f.error("identifier", "must be an absolute URI without a fragment (RFC 8707)"));
        Optional<String> name = f.text("name", true, 200);
        ScopeSet scopes = f.scopes("scopes").orElse(ScopeSet.empty());
        Duration lifetime = f.number("token_lifetime", 1, maxLifetime.toSeconds()).map(Duration::ofSeconds)
                .orElse(defaultLifetime);
        SigningAlg alg = alg(f).orElse(SigningAlg.RS256);
        AccessTokenType type = tokenType(f).orElse(AccessTokenType.AT_JWT);
        f.check();
        Instant now = clock.instant();
        Api api = new Api(identifier.orElseThrow(), name.orElseThrow(), scopes, lifetime, alg, true, false, now, now,
                type);
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

    Api update(String identifier, JsonObject body) {
        Fields f = new Fields(body);
        f.rejectUnknown(UPDATE_FIELDS);
        Optional<String> name = f.text("name", false, 200);
        Optional<ScopeSet> scopes = f.scopes("scopes");
        Optional<Duration> lifetime = f.number("token_lifetime", 1, maxLifetime.toSeconds()).map(Duration::ofSeconds);
        Optional<SigningAlg> alg = alg(f);
        Optional<Boolean> enabled = f.bool("enabled");
        Optional<AccessTokenType> type = tokenType(f);
        f.check();
        Api updated = db.transaction(c -> {
            Api before = lock(c, identifier);
            if (before.builtIn() && (scopes.isPresent() || enabled.isPresent()
                    || type.filter(t -> t != before.tokenType()).isPresent())) {
                throw AdminProblem.conflict("the built-in admin API's scopes, state and token type cannot change");
            }
            Api after = new Api(before.identifier(), name.orElse(before.name()), scopes.orElse(before.scopes()),
                    lifetime.orElse(before.tokenLifetime()), alg.orElse(before.signingAlg()),
                    enabled.orElse(before.enabled()), before.builtIn(), before.createdAt(), clock.instant(),
                    type.orElse(before.tokenType()));
            apis.update(c, before, after);
            return after;
        });
        changed.run();
        return updated;
    }

    void delete(String identifier) {
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

    /** {@code at+jwt} (RFC 9068) or {@code JWT}, for resource servers that accept nothing else. */
    private static Optional<AccessTokenType> tokenType(Fields f) {
        Optional<String> name = f.text("token_type", false, 16);
        Optional<AccessTokenType> type = name.flatMap(AccessTokenType::named);
        if (name.isPresent() && type.isEmpty()) {
            f.error("token_type", "must be at+jwt or JWT");
        }
        return type;
    }

    private static Optional<SigningAlg> alg(Fields f) {
        Optional<String> name = f.text("signing_alg", false, 16);
        Optional<SigningAlg> alg = name.flatMap(SigningAlg::named);
        if (name.isPresent() && alg.isEmpty()) {
            f.error("signing_alg", "must be one of " + Arrays.toString(SigningAlg.values()));
        }
        return alg;
    }

    static AdminProblem notFound(String identifier) {
        return AdminProblem.notFound("no API with identifier " + identifier);
    }
}
