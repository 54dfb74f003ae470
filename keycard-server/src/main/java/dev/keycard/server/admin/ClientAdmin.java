package dev.keycard.server.admin;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.ClientId;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.registry.Client;
import dev.keycard.server.config.ClientIdRules;
import dev.keycard.server.registry.ClientSecret;
import dev.keycard.server.client.Secrets;
import dev.keycard.server.config.RateLimit;
import dev.keycard.server.revoke.RevocationEvent;
import dev.keycard.server.revoke.Revocations;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Admin use cases for clients, their grants and their secrets. Blocking: called off the event loop. */
final class ClientAdmin {

    /** A secret made just now, with the only copy of its value. */
    record NewSecret(Client client, ClientSecret secret, String value) {
        @Override
        public String toString() {
            return "NewSecret[" + client.id() + ", " + secret.id() + "]";
        }
    }

    static final Set<ClientAuthMethod> METHODS = Set.of(ClientAuthMethod.CLIENT_SECRET_BASIC,
            ClientAuthMethod.CLIENT_SECRET_POST);
    static final Set<GrantType> GRANT_TYPES = Set.of(GrantType.CLIENT_CREDENTIALS);
    private static final Set<String> CREATE_FIELDS = Set.of("client_id", "name", "auth_methods", "grant_types",
            "default_api", "grants", "token_rate_limit");
    private static final Set<String> UPDATE_FIELDS = Set.of("name", "auth_methods", "grant_types", "default_api",
            "enabled", "token_rate_limit");
    private static final int MAX_ACTIVE_SECRETS = 2;

    private final Database db;
    private final ClientRepository clients;
    private final ApiRepository apis;
    private final Secrets secrets;
    private final Clock clock;
    private final Duration defaultGrace;
    private final Revocations revocations;
    private final LastAdministrator lastAdministrator;
    private final Runnable changed;

    /**
     * @param revocations where disabling or deleting a client revokes its tokens, in the same
     *     transaction: introspection, the admin API and the revocation event stream refuse them
     */
    ClientAdmin(Database db, ClientRepository clients, ApiRepository apis, Secrets secrets, Clock clock,
                Duration defaultGrace, Revocations revocations, Runnable changed) {
        this.db = db;
        this.clients = clients;
        this.apis = apis;
        this.secrets = secrets;
        this.clock = clock;
        this.defaultGrace = defaultGrace;
        this.revocations = revocations;
        this.lastAdministrator = new LastAdministrator(clients, apis, db.isSqlite());
        this.changed = changed;
    }

    List<Client> list() {
        return db.transaction(clients::findAll);
    }

    Client get(String id) {
        return db.transaction(c -> find(c, id));
    }

    NewSecret create(JsonObject body) {
        Fields f = new Fields(body);
        f.rejectUnknown(CREATE_FIELDS);
        Optional<String> id = f.text("client_id", false, 128);
        id.ifPresent(v -> {
            try {
                ClientIdRules.require(v);
            } catch (IllegalArgumentException e) {
                f.error("client_id", e.getMessage());
            }
        });
        Optional<String> name = f.text("name", true, 200);
        Set<ClientAuthMethod> methods = methods(f).orElse(METHODS);
        Set<GrantType> grantTypes = grantTypes(f).orElse(GRANT_TYPES);
        Optional<String> defaultApi = f.text("default_api", false, 2048);
        Map<String, ScopeSet> grants = grants(f);
        Optional<RateLimit> rateLimit = rateLimit(f);
        f.check();
        Instant now = clock.instant();
        String value = secrets.generate();
        ClientSecret secret = secrets.stored(value, now);
        Client client = new Client(new ClientId(id.orElseGet(() -> secrets.newId("kc_"))), name.orElseThrow(), true,
                methods, grantTypes, defaultApi, grants, List.of(secret), now, now, rateLimit);
        db.transaction(c -> {
            if (clients.exists(c, client.id().value())) {
                throw AdminProblem.conflict("a client with client_id " + client.id() + " exists");
            }
            for (Map.Entry<String, ScopeSet> g : grants.entrySet()) {
                checkGrant(c, "grants", g.getKey(), g.getValue());
            }
            if (defaultApi.isPresent() && !apis.exists(c, defaultApi.get())) {
                throw AdminProblem.invalid("default_api", "names no API");
            }
            clients.insert(c, client);
            return null;
        });
        changed.run();
        return new NewSecret(client, secret, value);
    }

    Client update(String id, JsonObject body) {
        Fields f = new Fields(body);
        f.rejectUnknown(UPDATE_FIELDS);
        Optional<String> name = f.text("name", false, 200);
        Optional<Set<ClientAuthMethod>> methods = methods(f);
        Optional<Set<GrantType>> grantTypes = grantTypes(f);
        boolean clearDefault = f.isNull("default_api");
        Optional<String> defaultApi = f.text("default_api", false, 2048);
        Optional<Boolean> enabled = f.bool("enabled");
        boolean clearRateLimit = f.isNull("token_rate_limit");
        Optional<RateLimit> rateLimit = rateLimit(f);
        f.check();
        Instant now = clock.instant();
        Revoking<Client> updated = db.transaction(c -> {
            Client before = lock(c, id);
            if (defaultApi.isPresent() && !apis.exists(c, defaultApi.get())) {
                throw AdminProblem.invalid("default_api", "names no API");
            }
            Client after = new Client(before.id(), name.orElse(before.name()), enabled.orElse(before.enabled()),
                    methods.orElse(before.authMethods()), grantTypes.orElse(before.grantTypes()),
                    clearDefault ? Optional.empty() : defaultApi.or(before::defaultApi), before.grants(),
                    before.secrets(), before.createdAt(), now,
                    clearRateLimit ? Optional.empty() : rateLimit.or(before::tokenRateLimit));
            lastAdministrator.guard(c, before, () -> {
                clients.update(c, after);
                return null;
            });
            // Disabled: its tokens are revoked with it, so re-enabling it does not bring them back.
            return new Revoking<>(after, before.enabled() && !after.enabled()
                    ? Optional.of(revocations.revokeClientBefore(c, id, now)) : Optional.empty());
        });
        return done(updated);
    }

    /** What a transaction changed, and the revocation of the client's tokens it committed with it. */
    private record Revoking<T>(T result, Optional<RevocationEvent.ClientTokensRevoked> revoked) {
    }

    private <T> T done(Revoking<T> change) {
        change.revoked().ifPresent(revocations::committed);
        changed.run();
        // Until the line above, this node could still issue the client tokens, in a later second
        // than the revocation's: revoke again, now that it cannot.
        change.revoked().ifPresent(r -> revocations.revokeClientBefore(r.clientId(), clock.instant()));
        return change.result();
    }

    /** Body: none (an empty object at most). */
    Client setEnabled(String id, boolean enabled, JsonObject body) {
        Fields f = new Fields(body);
        f.rejectUnknown(Set.of());
        f.check();
        return update(id, new JsonObject().put("enabled", enabled));
    }

    /**
     * Deletes the client and revokes every token it was issued: its {@code revoked_before} stays
     * after it, so a client created again with the same {@code client_id} does not inherit them.
     */
    void delete(String id) {
        Instant now = clock.instant();
        done(db.transaction(c -> {
            Client before = lock(c, id);
            lastAdministrator.guard(c, before, () -> clients.delete(c, id));
            return new Revoking<>(null, Optional.of(revocations.revokeClientBefore(c, id, now)));
        }));
    }

    /**
     * Adds a new secret; the current one expires after the grace period, so both work meanwhile.
     * A client never has more than two active secrets.
     */
    NewSecret rotate(String id, JsonObject body) {
        Fields f = new Fields(body);
        f.rejectUnknown(Set.of("grace_period"));
        Duration grace = f.number("grace_period", 0, Duration.ofDays(90).toSeconds()).map(Duration::ofSeconds)
                .orElse(defaultGrace);
        f.check();
        Instant now = clock.instant();
        String value = secrets.generate();
        ClientSecret fresh = secrets.stored(value, now);
        Client client = db.transaction(c -> {
            Client before = lock(c, id);
            List<ClientSecret> active = before.secrets().stream().filter(s -> s.activeAt(now)).toList();
            if (active.size() >= MAX_ACTIVE_SECRETS) {
                throw AdminProblem.conflict("client " + id + " already has " + MAX_ACTIVE_SECRETS
                        + " active secrets; delete one before rotating");
            }
            for (ClientSecret s : before.secrets()) {
                if (!s.activeAt(now)) { // expired: it can never authenticate again
                    clients.deleteSecret(c, id, s.id());
                }
            }
            for (ClientSecret s : active) {
                Instant end = now.plus(grace);
                if (s.expiresAt() == null || s.expiresAt().isAfter(end)) {
                    clients.expireSecret(c, s.id(), end);
                }
            }
            clients.insertSecret(c, id, fresh);
            return find(c, id);
        });
        changed.run();
        return new NewSecret(client, fresh, value);
    }

    void deleteSecret(String id, String secretId) {
        db.transaction(c -> lastAdministrator.guard(c, lock(c, id), () -> {
            if (!clients.deleteSecret(c, id, secretId)) {
                throw AdminProblem.notFound("client " + id + " has no secret " + secretId);
            }
            return null;
        }));
        changed.run();
    }

    Client putGrant(String id, String api, JsonObject body) {
        Fields f = new Fields(body);
        f.rejectUnknown(Set.of("scopes"));
        Optional<ScopeSet> scopes = f.scopes("scopes");
        if (scopes.isEmpty() && (!f.has("scopes") || f.isNull("scopes"))) {
            f.error("scopes", "is required");
        }
        f.check();
        Client client = db.transaction(c -> {
            Client before = lock(c, id);
            checkGrant(c, "scopes", api, scopes.orElseThrow());
            lastAdministrator.guard(c, before, () -> {
                clients.putGrant(c, id, api, scopes.orElseThrow());
                return null;
            });
            return find(c, id);
        });
        changed.run();
        return client;
    }

    void deleteGrant(String id, String api) {
        db.transaction(c -> lastAdministrator.guard(c, lock(c, id), () -> {
            if (!clients.deleteGrant(c, id, api)) {
                throw AdminProblem.notFound("client " + id + " has no grant for " + api);
            }
            return null;
        }));
        changed.run();
    }

    private void checkGrant(Connection c, String field, String api, ScopeSet scopes) throws SQLException {
        Api target = apis.find(c, api).orElseThrow(() -> AdminProblem.invalid(field, "names no API: " + api));
        ScopeSet unknown = target.scopes().missing(scopes);
        if (!unknown.isEmpty()) {
            throw AdminProblem.invalid(field, "scopes not defined by " + api + ": " + unknown);
        }
    }

    private Client find(Connection c, String id) throws SQLException {
        return clients.find(c, id).orElseThrow(() -> notFound(id));
    }

    /**
     * The client, locked for the rest of the transaction: the first step of every change that
     * reads the client and decides on it, so that concurrent changes (on PostgreSQL, also from
     * other nodes) take turns and none is lost ({@link ClientRepository#findForUpdate}).
     */
    private Client lock(Connection c, String id) throws SQLException {
        return clients.findForUpdate(c, id, db.isSqlite()).orElseThrow(() -> notFound(id));
    }

    private static AdminProblem notFound(String id) {
        return AdminProblem.notFound("no client with client_id " + id);
    }

    private static Optional<Set<ClientAuthMethod>> methods(Fields f) {
        Optional<List<String>> names = f.strings("auth_methods");
        if (names.isEmpty()) {
            return Optional.empty();
        }
        Set<ClientAuthMethod> out = new LinkedHashSet<>();
        for (String n : names.get()) {
            ClientAuthMethod m = new ClientAuthMethod(n.isEmpty() ? "?" : n);
            if (!METHODS.contains(m)) {
                f.error("auth_methods", "'" + n + "' is not one of client_secret_basic, client_secret_post");
                return Optional.empty();
            }
            out.add(m);
        }
        if (out.isEmpty()) {
            f.error("auth_methods", "must name at least one method");
            return Optional.empty();
        }
        return Optional.of(out);
    }

    /** {@code "50/s"}, {@code "600/m"}, {@code "1000/h"} or {@code "off"}; null or absent: the server's default. */
    private static Optional<RateLimit> rateLimit(Fields f) {
        return f.text("token_rate_limit", false, 32).flatMap(text -> {
            try {
                return Optional.of(RateLimit.parse(text));
            } catch (IllegalArgumentException e) {
                f.error("token_rate_limit", e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** The grants the client may use; empty is allowed (a client that only calls other endpoints). */
    private static Optional<Set<GrantType>> grantTypes(Fields f) {
        Optional<List<String>> names = f.strings("grant_types");
        if (names.isEmpty()) {
            return Optional.empty();
        }
        Set<GrantType> out = new LinkedHashSet<>();
        for (String n : names.get()) {
            if (!GRANT_TYPES.contains(new GrantType(n.isEmpty() ? "?" : n))) {
                f.error("grant_types", "'" + n + "' is not one of " + GRANT_TYPES.stream().map(GrantType::value).toList());
                return Optional.empty();
            }
            out.add(new GrantType(n));
        }
        return Optional.of(out);
    }

    private static Map<String, ScopeSet> grants(Fields f) {
        Map<String, ScopeSet> out = new LinkedHashMap<>();
        Optional<JsonArray> list = f.array("grants");
        for (Object o : list.orElse(new JsonArray())) {
            if (!(o instanceof JsonObject g) || !(g.getValue("api") instanceof String api)
                    || !(g.getValue("scopes") instanceof JsonArray scopes)) {
                f.error("grants", "each grant must be {\"api\": string, \"scopes\": [strings]}");
                return Map.of();
            }
            List<String> names = scopes.stream().map(String::valueOf).toList();
            f.scopeSet("grants", names).ifPresent(s -> out.put(api, s));
        }
        return out;
    }
}
