package dev.keycard.server.admin;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.ClientId;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientKeys;
import dev.keycard.server.registry.TlsClientAuth;
import dev.keycard.server.registry.ClientSecret;
import dev.keycard.server.registry.FederatedIdentity;
import dev.keycard.server.registry.TrustSource;
import dev.keycard.server.client.Secrets;
import dev.keycard.server.revoke.RevocationEvent;
import dev.keycard.server.revoke.Revocations;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.ChangeLog.Change;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.ConsoleSessionRepository;
import dev.keycard.server.store.ScopeUsageRepository;
import dev.keycard.server.store.TrustSourceRepository;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Admin use cases for clients, their grants and their secrets: typed commands in, domain values
 * out. Blocking: called off the event loop.
 */
public final class ClientAdmin {

    /** A client registered just now, and its secret when it authenticates with one. */
    public record Created(Client client, Optional<NewSecret> secret) {
    }

    /** A secret made just now, with the only copy of its value. */
    public record NewSecret(Client client, ClientSecret secret, String value) {
        @Override
        public String toString() {
            return "NewSecret[" + client.id() + ", " + secret.id() + "]";
        }
    }

    /** The authentication methods by a secret, which a client without keys gets by default. */
    public static final Set<ClientAuthMethod> METHODS = Set.of(ClientAuthMethod.CLIENT_SECRET_BASIC,
            ClientAuthMethod.CLIENT_SECRET_POST);
    /** Every authentication method a client may have. */
    public static final Set<ClientAuthMethod> ALL_METHODS = Set.of(ClientAuthMethod.CLIENT_SECRET_BASIC,
            ClientAuthMethod.CLIENT_SECRET_POST, ClientAuthMethod.PRIVATE_KEY_JWT, ClientAuthMethod.TLS_CLIENT_AUTH,
            ClientAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH);
    /** The grants a client may have, and gets by default. */
    public static final Set<GrantType> GRANT_TYPES = Set.of(GrantType.CLIENT_CREDENTIALS);
    private static final int MAX_ACTIVE_SECRETS = 2;

    private final Database db;
    private final ClientRepository clients;
    private final ApiRepository apis;
    private final Secrets secrets;
    private final Clock clock;
    private final Duration defaultGrace;
    private final Revocations revocations;
    private final LastAdministrator lastAdministrator;
    private final RegistryRefresh registry;
    /** Whether a client certificate can reach this server: else no client can authenticate with one. */
    private final boolean certificatesArrive;
    /** Whether {@code tls.client-ca-file} names the authorities of tls_client_auth certificates. */
    private final boolean authoritiesKnown;
    private final TrustSourceRepository trustSources = new TrustSourceRepository();
    private final ScopeUsageRepository scopeUsage = new ScopeUsageRepository();
    /** A client that may no longer administer Keycard loses its console sessions in the same transaction. */
    private final ConsoleSessionRepository consoleSessions = new ConsoleSessionRepository();

    /**
     * @param revocations where disabling or deleting a client revokes its tokens, in the same
     *     transaction: introspection, the admin API and the revocation event stream refuse them
     */
    ClientAdmin(Database db, ClientRepository clients, ApiRepository apis, Secrets secrets, Clock clock,
                Duration defaultGrace, Revocations revocations, RegistryRefresh registry, boolean certificatesArrive,
                boolean authoritiesKnown) {
        this.certificatesArrive = certificatesArrive;
        this.authoritiesKnown = authoritiesKnown;
        this.db = db;
        this.clients = clients;
        this.apis = apis;
        this.secrets = secrets;
        this.clock = clock;
        this.defaultGrace = defaultGrace;
        this.revocations = revocations;
        this.lastAdministrator = new LastAdministrator(clients, apis, db.isSqlite());
        this.registry = registry;
    }


    /** A page of the clients {@code query} selects, in client_id order. */
    public Page<Client> list(ClientQuery query) {
        ListQuery page = query.page();
        return db.transaction(c -> Page.of(clients.page(c, page.after(), page.limit() + 1, query.namePrefix(),
                query.api(), query.enabled()), page.limit(), client -> client.id().value()));
    }

    /** How many clients there are, as this node's registry holds them (no store read). */
    public int count() {
        return registry.clientCount();
    }

    public Client get(String id) {
        return db.transaction(c -> find(c, id));
    }

    /**
     * When the client was last issued each scope, per API, as written by the token path's batches
     * ({@code secret.last-used-flush}): what the console shows as the scopes a client uses.
     */
    public Map<String, Map<String, Instant>> scopeUsage(String id) {
        return db.snapshot(c -> {
            find(c, id);
            return scopeUsage.of(c, id);
        });
    }

    public Created create(CreateClient command) {
        Optional<String> defaultApi = command.defaultApi();
        Map<String, ScopeSet> grants = command.grants();
        Instant now = clock.instant();
        ClientKeys keys = command.keys();
        Set<ClientAuthMethod> methods = command.authMethods()
                .orElse(command.tlsAuth().isPresent() ? Set.of(ClientAuthMethod.TLS_CLIENT_AUTH)
                        : keys.present() ? Set.of(ClientAuthMethod.PRIVATE_KEY_JWT) : METHODS);
        requireKeys(methods, keys, command.tlsAuth());
        requireCertificates(methods, command.certificateBound(), Set.of(), false);
        boolean usesSecret = methods.stream().anyMatch(METHODS::contains);
        String value = usesSecret ? secrets.generate() : null;
        ClientSecret secret = usesSecret ? secrets.stored(value, now) : null;
        Client client = new Client(new ClientId(command.clientId().orElseGet(() -> secrets.newId("kc_"))),
                command.name(), true, methods, command.grantTypes().orElse(GRANT_TYPES),
                defaultApi, grants, secret == null ? List.of() : List.of(secret), now, now, command.tokenRateLimit(),
                keys, List.of(), command.dpopBound(), command.tlsAuth(), command.certificateBound());
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
            registry.record(c, Change.client(client.id().value()));
            return null;
        });
        registry.committed(Change.client(client.id().value()));
        return new Created(client, secret == null ? Optional.empty() : Optional.of(new NewSecret(client, secret, value)));
    }

    /**
     * A client that may use {@code private_key_jwt} or {@code self_signed_tls_client_auth} has keys
     * (certificates) to verify it with; one that may use {@code tls_client_auth} has the attribute its
     * certificate must carry (RFC 8705 §2.1.2).
     */
    private static void requireKeys(Set<ClientAuthMethod> methods, ClientKeys keys, Optional<TlsClientAuth> tlsAuth) {
        if (methods.contains(ClientAuthMethod.PRIVATE_KEY_JWT) && !keys.present()) {
            throw AdminProblem.invalid("auth_methods", "private_key_jwt needs the client's keys: jwks or jwks_uri");
        }
        if (methods.contains(ClientAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH) && keys.jwks().isEmpty()) {
            throw AdminProblem.invalid("auth_methods", "self_signed_tls_client_auth needs the client's certificates:"
                    + " jwks whose keys carry x5c");
        }
        if (methods.contains(ClientAuthMethod.TLS_CLIENT_AUTH) && tlsAuth.isEmpty()) {
            throw AdminProblem.invalid("auth_methods", "tls_client_auth needs one of tls_client_auth_subject_dn,"
                    + " tls_client_auth_san_dns, tls_client_auth_san_uri, tls_client_auth_san_ip, tls_client_auth_san_email");
        }
    }

    /**
     * A certificate method, or certificate-bound tokens, newly asked of a client ({@code before}:
     * what it had until now; a change to a client that has them already is not held up) need a
     * server that client certificates reach, and {@code tls_client_auth} the authorities that
     * issue them: elsewhere the client could never authenticate, or never get a token.
     */
    private void requireCertificates(Set<ClientAuthMethod> methods, boolean bound, Set<ClientAuthMethod> before,
                                     boolean boundBefore) {
        boolean newMethod = java.util.stream.Stream.of(ClientAuthMethod.TLS_CLIENT_AUTH,
                ClientAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH).anyMatch(m -> methods.contains(m) && !before.contains(m));
        if (!certificatesArrive && (newMethod || (bound && !boundBefore))) {
            throw AdminProblem.invalid(newMethod ? "auth_methods" : "tls_client_certificate_bound_access_tokens",
                    "no client certificate reaches this server, so no client could use one: set tls.client-auth=want"
                    + " (with tls.client-ca-file for tls_client_auth), or tls.trusted-proxies for a proxy that forwards them");
        }
        if (!authoritiesKnown && methods.contains(ClientAuthMethod.TLS_CLIENT_AUTH)
                && !before.contains(ClientAuthMethod.TLS_CLIENT_AUTH)) {
            throw AdminProblem.invalid("auth_methods", "tls_client_auth needs tls.client-ca-file, the authorities"
                    + " whose certificates count");
        }
    }

    public Client update(String id, UpdateClient command) {
        Optional<String> defaultApi = command.defaultApi().value();
        Instant now = clock.instant();
        Revoking<Client> updated = db.transaction(c -> {
            Client before = lock(c, id);
            if (defaultApi.isPresent() && !apis.exists(c, defaultApi.get())) {
                throw AdminProblem.invalid("default_api", "names no API");
            }
            Client after = new Client(before.id(), command.name().orElse(before.name()),
                    command.enabled().orElse(before.enabled()), command.authMethods().orElse(before.authMethods()),
                    command.grantTypes().orElse(before.grantTypes()), command.defaultApi().applyTo(before::defaultApi),
                    before.grants(), before.secrets(), before.createdAt(), now,
                    command.tokenRateLimit().applyTo(before::tokenRateLimit), command.keysAfter(before.keys()),
                    before.identities(), command.dpopBound().orElse(before.dpopBound()),
                    command.tlsAuth().applyTo(before::tlsAuth), command.certificateBound().orElse(before.certificateBound()));
            requireKeys(after.authMethods(), after.keys(), after.tlsAuth());
            requireCertificates(after.authMethods(), after.certificateBound(), before.authMethods(),
                    before.certificateBound());
            lastAdministrator.guard(c, before, () -> {
                clients.update(c, after);
                return null;
            });
            // Disabled: its tokens are revoked with it, so re-enabling it does not bring them back.
            Optional<RevocationEvent.ClientTokensRevoked> revoked = before.enabled() && !after.enabled()
                    ? Optional.of(revocations.revokeClientBefore(c, id, now)) : Optional.empty();
            endSessionsUnlessAdministrator(c, after);
            // Last, as every writer does: rows first, then the change log's sequence (no deadlock).
            registry.record(c, Change.client(id));
            return new Revoking<>(after, revoked);
        });
        return done(id, updated);
    }

    /** What a transaction changed, and the revocation of the client's tokens it committed with it. */
    private record Revoking<T>(T result, Optional<RevocationEvent.ClientTokensRevoked> revoked) {
    }

    private <T> T done(String id, Revoking<T> change) {
        change.revoked().ifPresent(revocations::committed);
        registry.committed(Change.client(id));
        // Until the line above, this node could still issue the client tokens, in a later second
        // than the revocation's: revoke again, now that it cannot.
        change.revoked().ifPresent(r -> revocations.revokeClientBefore(r.clientId(), clock.instant()));
        return change.result();
    }

    public Client setEnabled(String id, boolean enabled) {
        return update(id, UpdateClient.enabled(enabled));
    }

    /**
     * Deletes the client and revokes every token it was issued: its {@code revoked_before} stays
     * after it, so a client created again with the same {@code client_id} does not inherit them.
     */
    public void delete(String id) {
        Instant now = clock.instant();
        done(id, db.transaction(c -> {
            Client before = lock(c, id);
            lastAdministrator.guard(c, before, () -> clients.delete(c, id));
            scopeUsage.deleteClient(c, id);
            consoleSessions.deleteAll(c, id);
            var revoked = revocations.revokeClientBefore(c, id, now);
            registry.record(c, Change.client(id));
            return new Revoking<>(null, Optional.of(revoked));
        }));
    }

    /**
     * Adds a new secret; the current one expires after the grace period, so both work meanwhile.
     * A client never has more than two active secrets.
     */
    public NewSecret rotate(String id, RotateSecret command) {
        Duration grace = command.gracePeriod().orElse(defaultGrace);
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
            Client after = find(c, id);
            registry.record(c, Change.client(id));
            return after;
        });
        registry.committed(Change.client(id));
        return new NewSecret(client, fresh, value);
    }

    public void deleteSecret(String id, String secretId) {
        db.transaction(c -> lastAdministrator.guard(c, lock(c, id), () -> {
            if (!clients.deleteSecret(c, id, secretId)) {
                throw AdminProblem.notFound("client " + id + " has no secret " + secretId);
            }
            registry.record(c, Change.client(id));
            return null;
        }));
        registry.committed(Change.client(id));
    }

    public Client putGrant(String id, String api, ScopeSet scopes) {
        Client client = db.transaction(c -> {
            Client before = lock(c, id);
            checkGrant(c, "scopes", api, scopes);
            lastAdministrator.guard(c, before, () -> {
                clients.putGrant(c, id, api, scopes);
                return null;
            });
            return grantsChanged(c, id);
        });
        registry.committed(Change.client(id));
        return client;
    }

    public void deleteGrant(String id, String api) {
        db.transaction(c -> lastAdministrator.guard(c, lock(c, id), () -> {
            if (!clients.deleteGrant(c, id, api)) {
                throw AdminProblem.notFound("client " + id + " has no grant for " + api);
            }
            return grantsChanged(c, id);
        }));
        registry.committed(Change.client(id));
    }

    /**
     * Takes one scope out of a grant, under the client's row lock (two concurrent removals both
     * hold); the grant goes when its last scope does.
     */
    public Client removeScope(String id, String api, Scope scope) {
        Client client = db.transaction(c -> {
            Client before = lock(c, id);
            ScopeSet granted = before.grants().get(api);
            if (granted == null || !granted.contains(scope)) {
                throw AdminProblem.notFound("client " + id + " has no scope " + scope.value() + " for " + api);
            }
            ScopeSet left = ScopeSet.of(granted.asSet().stream().filter(s -> !s.equals(scope)).toList());
            lastAdministrator.guard(c, before, () -> {
                if (left.isEmpty()) {
                    clients.deleteGrant(c, id, api);
                } else {
                    clients.putGrant(c, id, api, left);
                }
                return null;
            });
            return grantsChanged(c, id);
        });
        registry.committed(Change.client(id));
        return client;
    }

    /**
     * After a change to a client's grants, in its transaction: the client as it is now, its console
     * sessions ended if it no longer holds {@code keycard:admin}, the change recorded (last).
     */
    private Client grantsChanged(Connection c, String id) throws SQLException {
        Client after = find(c, id);
        endSessionsUnlessAdministrator(c, after);
        registry.record(c, Change.client(id));
        return after;
    }

    /**
     * A client that a change leaves disabled or without {@code keycard:admin} loses its console
     * sessions in the same transaction, so enabling it or granting the scope again brings none back.
     */
    private void endSessionsUnlessAdministrator(Connection c, Client after) throws SQLException {
        if (!after.enabled() || !after.grantedAdmin()) {
            consoleSessions.deleteAll(c, after.id().value());
        }
    }

    /**
     * Lets a workload authenticate as the client with a trust source's token for {@code subject}.
     *
     * @throws AdminProblem 409 when that (trust source, subject) is registered already, to this
     *     client or another: each maps to exactly one client
     */
    public Client addIdentity(String id, AddIdentity command) {
        Instant now = clock.instant();
        Client client = db.transaction(c -> {
            lock(c, id);
            TrustSource source = trustSources.find(c, command.trustSource())
                    .orElseThrow(() -> AdminProblem.invalid("trust_source", "names no trust source"));
            TrustRules.subjectProblem(source, command.subject(), command.force())
                    .ifPresent(p -> { throw AdminProblem.invalid("subject", p); });
            FederatedIdentity identity = new FederatedIdentity(secrets.newId("fi_"), source.name(), command.subject(),
                    command.claims(), now);
            if (!clients.insertIdentity(c, id, identity)) {
                throw AdminProblem.conflict("subject " + command.subject() + " of trust source " + source.name()
                        + " is registered to a client already");
            }
            Client after = find(c, id);
            registry.record(c, Change.client(id));
            return after;
        });
        registry.committed(Change.client(id));
        return client;
    }

    public void removeIdentity(String id, String identityId) {
        db.transaction(c -> {
            lock(c, id);
            if (!clients.deleteIdentity(c, id, identityId)) {
                throw AdminProblem.notFound("client " + id + " has no federated identity " + identityId);
            }
            registry.record(c, Change.client(id));
            return null;
        });
        registry.committed(Change.client(id));
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
}
