package dev.keycard.server.store;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.ClientId;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientKeys;
import dev.keycard.server.registry.ClientSecret;
import dev.keycard.server.registry.FederatedIdentity;
import dev.keycard.server.registry.TlsClientAuth;
import dev.keycard.server.config.RateLimit;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Clients with their secrets and per-API grants. */
public final class ClientRepository {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    /** Rows fetched per round trip while streaming. */
    private static final int FETCH = 1_000;
    /** Ids per query when reading some clients. */
    private static final int BATCH = 500;

    /** Every client, in client_id order; see {@link #scan}. */
    public List<Client> findAll(Connection c) throws SQLException {
        List<Client> all = new ArrayList<>();
        scan(c, null, false, new Interner(), all::add);
        return all;
    }

    public Optional<Client> find(Connection c, String clientId) throws SQLException {
        List<Client> found = new ArrayList<>(1);
        scan(c, List.of(clientId), false, new Interner(), found::add);
        return found.stream().findFirst();
    }

    /**
     * Up to {@code limit} clients in client_id order after {@code after}, with the filters that
     * are present: a name prefix (case-sensitive), a grant at an API, the enabled state. The
     * primary key gives the order and the start, so a page costs the same at any depth.
     */
    public List<Client> page(Connection c, Optional<String> after, int limit, Optional<String> namePrefix,
                             Optional<String> api, Optional<Boolean> enabled) throws SQLException {
        List<String> where = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        after.ifPresent(a -> {
            where.add("client_id > ?");
            args.add(a);
        });
        namePrefix.ifPresent(p -> {
            where.add("substr(name, 1, ?) = ?");
            args.add(p.length());
            args.add(p);
        });
        api.ifPresent(a -> {
            where.add("EXISTS (SELECT 1 FROM grants g WHERE g.client_id = clients.client_id AND g.api = ?)");
            args.add(a);
        });
        enabled.ifPresent(e -> {
            where.add("enabled = ?");
            args.add(e);
        });
        List<String> ids = new ArrayList<>(limit);
        try (PreparedStatement ps = c.prepareStatement("SELECT client_id FROM clients"
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)) + " ORDER BY client_id LIMIT ?")) {
            int i = 1;
            for (Object arg : args) {
                ps.setObject(i++, arg);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return find(c, ids, true, new Interner());
    }

    /**
     * The clients an API's change reaches: those granted scopes there and those that have it as
     * their default API. Read before the change, which the store cascades to them.
     */
    public List<String> using(Connection c, String api) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT client_id FROM grants WHERE api = ?"
                + " UNION SELECT client_id FROM clients WHERE default_api = ?")) {
            ps.setString(1, api);
            ps.setString(2, api);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** The clients among {@code ids} that exist, in client_id order, read in batches. */
    public List<Client> find(Connection c, Collection<String> ids, Interner interner) throws SQLException {
        return find(c, List.copyOf(ids), false, interner);
    }

    /**
     * Reads {@code ids} in batches. When they come in the store's own client_id order (a page
     * the store just listed), each batch also names its first and last id as a range: PostgreSQL
     * guesses an IN list on a table it has no statistics for yet at half the table and scans it
     * whole (45 ms at 100,000 clients), while a bounded range is guessed small and read through
     * the index. The bounds are the store's, not Java's: its collation decides the order.
     */
    private List<Client> find(Connection c, List<String> all, boolean ordered, Interner interner) throws SQLException {
        List<Client> found = new ArrayList<>(all.size());
        for (List<String> batch : Jdbc.pieces(all, BATCH)) {
            scan(c, batch, ordered, interner, found::add);
        }
        return found;
    }

    /**
     * Hands every client to {@code each}, reading the store in one streaming pass: three cursors
     * (clients, secrets, grants with their scopes), each ordered by client_id and fetched a page
     * at a time, merged as they go, so memory holds one page of rows and no table-sized map. The
     * secrets and grants of a client come right where it does in their cursors because the three
     * are ordered by the same column in one snapshot: call it in a transaction that reads one
     * ({@link Database#snapshot}).
     */
    public void forEach(Connection c, Interner interner, Consumer<Client> each) throws SQLException {
        scan(c, null, false, interner, each);
    }

    private void scan(Connection c, @Nullable List<String> ids, boolean ordered, Interner interner,
                      Consumer<Client> each) throws SQLException {
        String in = ids == null ? "" : " IN (" + Jdbc.marks(ids.size()) + ")";
        String range = ids != null && ordered && !ids.isEmpty() ? " BETWEEN ? AND ?" : null;
        java.util.function.UnaryOperator<String> where = column -> ids == null ? ""
                : " WHERE " + column + in + (range == null ? "" : " AND " + column + range);
        try (PreparedStatement clients = c.prepareStatement("SELECT client_id, name, enabled, auth_methods,"
                + " grant_types, default_api, created_at, updated_at, token_rate_limit, jwks, jwks_uri,"
                + " token_endpoint_auth_signing_alg, dpop_bound_access_tokens, tls_client_auth_attribute,"
                + " tls_client_auth_value, tls_client_certificate_bound FROM clients"
                + where.apply("client_id") + " ORDER BY client_id");
             PreparedStatement secrets = c.prepareStatement("SELECT client_id, id, digest, hint, created_at,"
                + " expires_at, last_used_at FROM client_secrets"
                + where.apply("client_id") + " ORDER BY client_id");
             PreparedStatement grants = c.prepareStatement("SELECT g.client_id, g.api, s.scope FROM grants g"
                + " LEFT JOIN grant_scopes s ON s.client_id = g.client_id AND s.api = g.api"
                + where.apply("g.client_id") + " ORDER BY g.client_id, g.api");
             PreparedStatement identities = c.prepareStatement("SELECT client_id, id, trust_source, subject, claims,"
                + " created_at FROM federated_identities"
                + where.apply("client_id") + " ORDER BY client_id, created_at, id")) {
            for (PreparedStatement ps : List.of(clients, secrets, grants, identities)) {
                ps.setFetchSize(FETCH);
                if (ids != null) {
                    for (int i = 0; i < ids.size(); i++) {
                        ps.setString(i + 1, ids.get(i));
                    }
                    if (range != null) {
                        ps.setString(ids.size() + 1, ids.get(0));
                        ps.setString(ids.size() + 2, ids.get(ids.size() - 1));
                    }
                }
            }
            Text text = Text.of(c);
            try (ResultSet rc = clients.executeQuery(); ResultSet rsec = secrets.executeQuery();
                 ResultSet rg = grants.executeQuery(); ResultSet ri = identities.executeQuery()) {
                // Each cursor's client_id is read once per row: on SQLite every column read is a
                // call into native code, and those calls are half of a start's reading time.
                @Nullable String secretOf = rsec.next() ? text.at(rsec, 1) : null;
                @Nullable String grantOf = rg.next() ? text.at(rg, 1) : null;
                @Nullable String identityOf = ri.next() ? text.at(ri, 1) : null;
                while (rc.next()) {
                    String id = text.at(rc, 1);
                    List<ClientSecret> own = new ArrayList<>(2);
                    while (id.equals(secretOf)) {
                        own.add(new ClientSecret(text.at(rsec, 2), B64D.decode(text.at(rsec, 3)), text.at(rsec, 4),
                                Instant.ofEpochMilli(rsec.getLong(5)), instant(rsec, 6), instant(rsec, 7)));
                        secretOf = rsec.next() ? text.at(rsec, 1) : null;
                    }
                    if (own.size() > 1) {
                        own.sort(Comparator.comparing(ClientSecret::createdAt).reversed());
                    }
                    Map<String, ScopeSet> granted = Map.of();
                    while (id.equals(grantOf)) {
                        String api = text.at(rg, 2);
                        List<String> scopes = new ArrayList<>(4);
                        do {
                            String scope = text.at(rg, 3);
                            if (scope != null) {
                                scopes.add(scope);
                            }
                            grantOf = rg.next() ? text.at(rg, 1) : null;
                        } while (id.equals(grantOf) && api.equals(text.at(rg, 2)));
                        if (granted.isEmpty()) {
                            granted = Map.of(interner.string(api), interner.scopes(scopes));
                        } else {
                            granted = new HashMap<>(granted);
                            granted.put(interner.string(api), interner.scopes(scopes));
                        }
                    }
                    List<FederatedIdentity> federated = List.of();
                    while (id.equals(identityOf)) {
                        if (federated.isEmpty()) {
                            federated = new ArrayList<>(1);
                        }
                        federated.add(new FederatedIdentity(text.at(ri, 2), interner.string(text.at(ri, 3)),
                                text.at(ri, 4), claims(text.at(ri, 5)), Instant.ofEpochMilli(ri.getLong(6))));
                        identityOf = ri.next() ? text.at(ri, 1) : null;
                    }
                    String rateLimit = text.at(rc, 9);
                    each.accept(new Client(new ClientId(id), text.at(rc, 2), rc.getBoolean(3),
                            interner.authMethods(text.at(rc, 4)), interner.grantTypes(text.at(rc, 5)),
                            Optional.ofNullable(text.at(rc, 6)).map(interner::string), granted, own,
                            Instant.ofEpochMilli(rc.getLong(7)), Instant.ofEpochMilli(rc.getLong(8)),
                            rateLimit == null ? Optional.empty() : Optional.of(RateLimit.parse(rateLimit)),
                            keys(rc, text), federated, rc.getBoolean(13),
                            tlsAuth(text.at(rc, 14), text.at(rc, 15)), rc.getBoolean(16)));
                }
            }
        }
    }

    /**
     * Reads a text column. SQLite's driver answers {@link ResultSet#getString} by building a
     * direct buffer through a call from native code back into Java, and {@link ResultSet#getBytes}
     * with a plain array copy, so on SQLite the UTF-8 bytes are read and decoded here: a quarter
     * less time reading a large registry at start (docs/benchmarks.md). Other drivers read strings.
     */
    @FunctionalInterface
    private interface Text {
        Text STRING = ResultSet::getString;
        Text UTF8 = (rs, column) -> {
            byte[] bytes = rs.getBytes(column);
            return bytes == null ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        };

        @Nullable String at(ResultSet rs, int column) throws SQLException;

        static Text of(Connection c) throws SQLException {
            return c.isWrapperFor(org.sqlite.SQLiteConnection.class) ? UTF8 : STRING;
        }
    }

    private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    /**
     * Shares the values many clients hold alike (API identifiers, scope sets, method and grant
     * type sets) instead of a copy per client: most clients of a registry are granted the same
     * few things. Bounded: past {@value #MAX} values it starts afresh.
     */
    public static final class Interner {
        private static final int MAX = 10_000;
        // Concurrent: refreshes of different clients read side by side (RegistryReader).
        private final Map<String, String> strings = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<List<String>, ScopeSet> scopeSets = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, Set<ClientAuthMethod>> methods = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, Set<GrantType>> grantTypes = new java.util.concurrent.ConcurrentHashMap<>();

        private static <K, V> V shared(Map<K, V> values, K key, java.util.function.Function<K, V> make) {
            if (values.size() > MAX) {
                values.clear();
            }
            return values.computeIfAbsent(key, make);
        }

        String string(String s) {
            return shared(strings, s, k -> k);
        }

        ScopeSet scopes(List<String> scopes) {
            return shared(scopeSets, scopes, k -> ScopeSet.of(k.stream().map(Scope::new).toList()));
        }

        Set<ClientAuthMethod> authMethods(String column) {
            return shared(methods, column, k -> Set.copyOf(words(k).stream()
                    .map(ClientAuthMethod::new).collect(Collectors.toCollection(LinkedHashSet::new))));
        }

        Set<GrantType> grantTypes(String column) {
            return shared(grantTypes, column, k -> Set.copyOf(words(k).stream()
                    .map(GrantType::new).collect(Collectors.toCollection(LinkedHashSet::new))));
        }
    }

    /**
     * Locks the client's row for the rest of the transaction, then reads the client (empty, with
     * nothing locked, when there is none). Every admin change that reads a client and decides on it
     * starts here. On PostgreSQL the store runs READ COMMITTED with a pool of connections, and
     * several nodes may share it: without the lock two changes of one client both decide on the
     * same state, so one PATCH is lost or two rotations each add a secret to one active secret.
     * With it the second waits for the first to commit, and its read, made after the lock, sees
     * what the first wrote. {@code FOR NO KEY UPDATE} is the lock an {@code UPDATE} of the row
     * takes anyway: rows that refer to the client can still be written meanwhile (their
     * foreign-key check takes {@code FOR KEY SHARE}). SQLite, one connection, has one writer and
     * no such syntax.
     */
    public Optional<Client> findForUpdate(Connection c, String clientId, boolean sqlite) throws SQLException {
        if (!sqlite) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM clients WHERE client_id = ? FOR NO KEY UPDATE")) {
                ps.setString(1, clientId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                }
            }
        }
        return find(c, clientId);
    }

    /**
     * How many clients can call the admin API for good: enabled, allowed the client_credentials
     * grant, holding {@code scope} at {@code api} and a current secret (one without an expiry; a
     * replaced one in its grace period stops by itself). In the caller's transaction, so its own
     * uncommitted change counts.
     */
    public int countAdministrators(Connection c, String api, String scope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(DISTINCT c.client_id) FROM clients c"
                + " JOIN grant_scopes g ON g.client_id = c.client_id"
                + " WHERE g.api = ? AND g.scope = ? AND c.enabled = ?"
                + " AND (' ' || c.grant_types || ' ') LIKE '% client_credentials %'"
                + " AND EXISTS (SELECT 1 FROM client_secrets s WHERE s.client_id = c.client_id"
                + " AND s.expires_at IS NULL)")) {
            ps.setString(1, api);
            ps.setString(2, scope);
            ps.setBoolean(3, true);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** How many clients there are. */
    public int count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM clients");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static ClientKeys keys(ResultSet rc, Text text) throws SQLException {
        String jwks = text.at(rc, 10);
        String uri = text.at(rc, 11);
        String alg = text.at(rc, 12);
        if (jwks == null && uri == null && alg == null) {
            return ClientKeys.NONE;
        }
        return new ClientKeys(Optional.ofNullable(jwks), Optional.ofNullable(uri).map(URI::create),
                Optional.ofNullable(alg));
    }

    /** DPoP binding, the tls_client_auth attribute and certificate binding: four parameters from {@code first}. */
    private static void setBindings(PreparedStatement ps, int first, Client client) throws SQLException {
        ps.setBoolean(first, client.dpopBound());
        ps.setString(first + 1, client.tlsAuth().map(t -> t.attribute().name().toLowerCase(java.util.Locale.ROOT))
                .orElse(null));
        ps.setString(first + 2, client.tlsAuth().map(TlsClientAuth::value).orElse(null));
        ps.setBoolean(first + 3, client.certificateBound());
    }

    private static Optional<TlsClientAuth> tlsAuth(@Nullable String attribute, @Nullable String value) {
        if (attribute == null || value == null) {
            return Optional.empty();
        }
        return TlsClientAuth.Attribute.parse(attribute).map(a -> new TlsClientAuth(a, value));
    }

    private static void setKeys(PreparedStatement ps, int first, ClientKeys keys) throws SQLException {
        ps.setString(first, keys.jwks().orElse(null));
        ps.setString(first + 1, keys.jwksUri().map(URI::toString).orElse(null));
        ps.setString(first + 2, keys.signingAlg().orElse(null));
    }

    public boolean exists(Connection c, String clientId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM clients WHERE client_id = ?")) {
            ps.setString(1, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Inserts a client with its secrets and grants. */
    public void insert(Connection c, Client client) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO clients (client_id, name, enabled, auth_methods,"
                + " grant_types, default_api, created_at, updated_at, token_rate_limit, jwks, jwks_uri,"
                + " token_endpoint_auth_signing_alg, dpop_bound_access_tokens, tls_client_auth_attribute,"
                + " tls_client_auth_value, tls_client_certificate_bound)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, client.id().value());
            ps.setString(2, client.name());
            ps.setBoolean(3, client.enabled());
            ps.setString(4, join(client.authMethods().stream().map(ClientAuthMethod::value).toList()));
            ps.setString(5, join(client.grantTypes().stream().map(GrantType::value).toList()));
            ps.setString(6, client.defaultApi().orElse(null));
            Jdbc.setInstant(ps, 7, client.createdAt());
            Jdbc.setInstant(ps, 8, client.updatedAt());
            ps.setString(9, client.tokenRateLimit().map(RateLimit::toString).orElse(null));
            setKeys(ps, 10, client.keys());
            setBindings(ps, 13, client);
            ps.executeUpdate();
        }
        for (ClientSecret s : client.secrets()) {
            insertSecret(c, client.id().value(), s);
        }
        for (Map.Entry<String, ScopeSet> g : client.grants().entrySet()) {
            putGrant(c, client.id().value(), g.getKey(), g.getValue());
        }
    }

    /** Updates name, enabled, methods, grant types, default API, token rate limit, keys and DPoP binding. */
    public void update(Connection c, Client client) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE clients SET name = ?, enabled = ?, auth_methods = ?,"
                + " grant_types = ?, default_api = ?, updated_at = ?, token_rate_limit = ?, jwks = ?, jwks_uri = ?,"
                + " token_endpoint_auth_signing_alg = ?, dpop_bound_access_tokens = ?, tls_client_auth_attribute = ?,"
                + " tls_client_auth_value = ?, tls_client_certificate_bound = ? WHERE client_id = ?")) {
            ps.setString(1, client.name());
            ps.setBoolean(2, client.enabled());
            ps.setString(3, join(client.authMethods().stream().map(ClientAuthMethod::value).toList()));
            ps.setString(4, join(client.grantTypes().stream().map(GrantType::value).toList()));
            ps.setString(5, client.defaultApi().orElse(null));
            Jdbc.setInstant(ps, 6, client.updatedAt());
            ps.setString(7, client.tokenRateLimit().map(RateLimit::toString).orElse(null));
            setKeys(ps, 8, client.keys());
            setBindings(ps, 11, client);
            ps.setString(15, client.id().value());
            ps.executeUpdate();
        }
    }

    /**
     * Adds a federated identity to a client; false when its (trust source, subject) belongs to a
     * client already (this one or another).
     */
    public boolean insertIdentity(Connection c, String clientId, FederatedIdentity identity) throws SQLException {
        // The primary key decides, also between two nodes registering one subject at once.
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO federated_identities (trust_source, subject, id,"
                + " client_id, claims, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, identity.trustSource());
            ps.setString(2, identity.subject());
            ps.setString(3, identity.id());
            ps.setString(4, clientId);
            ps.setString(5, com.nimbusds.jose.util.JSONObjectUtils.toJSONString(
                    new java.util.TreeMap<String, Object>(identity.claims())));
            Jdbc.setInstant(ps, 6, identity.createdAt());
            return ps.executeUpdate() == 1;
        }
    }

    public boolean deleteIdentity(Connection c, String clientId, String identityId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM federated_identities WHERE client_id = ? AND id = ?")) {
            ps.setString(1, clientId);
            ps.setString(2, identityId);
            return ps.executeUpdate() > 0;
        }
    }

    private static Map<String, String> claims(String json) throws SQLException {
        try {
            Map<String, String> out = new HashMap<>();
            com.nimbusds.jose.util.JSONObjectUtils.parse(json).forEach((k, v) -> out.put(k, String.valueOf(v)));
            return out;
        } catch (java.text.ParseException e) {
            throw new SQLException("federated_identities.claims is not a JSON object", e);
        }
    }

    public boolean delete(Connection c, String clientId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM clients WHERE client_id = ?")) {
            ps.setString(1, clientId);
            return ps.executeUpdate() > 0;
        }
    }

    public void insertSecret(Connection c, String clientId, ClientSecret s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO client_secrets (id, client_id, digest, hint,"
                + " created_at, expires_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, s.id());
            ps.setString(2, clientId);
            ps.setString(3, B64.encodeToString(s.digest()));
            ps.setString(4, s.hint());
            Jdbc.setInstant(ps, 5, s.createdAt());
            Jdbc.setInstant(ps, 6, s.expiresAt());
            Jdbc.setInstant(ps, 7, s.lastUsedAt());
            ps.executeUpdate();
        }
    }

    public void expireSecret(Connection c, String secretId, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE client_secrets SET expires_at = ? WHERE id = ?")) {
            Jdbc.setInstant(ps, 1, at);
            ps.setString(2, secretId);
            ps.executeUpdate();
        }
    }

    public boolean deleteSecret(Connection c, String clientId, String secretId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM client_secrets WHERE id = ? AND client_id = ?")) {
            ps.setString(1, secretId);
            ps.setString(2, clientId);
            return ps.executeUpdate() > 0;
        }
    }

    /**
     * Records last-used times; a time never moves backwards. One statement for up to
     * {@link Jdbc#ROWS_PER_STATEMENT} secrets ({@code UPDATE … FROM (VALUES …)}, SQLite 3.33+ and
     * PostgreSQL alike). With a statement a row, the first usage flush after a start with 100,000
     * clients in use took 4.5–5.0 s on PostgreSQL; with these, 3.0–3.2 s (docs/decisions.md, 42).
     */
    public void recordLastUsed(Connection c, Map<String, Instant> lastUsed) throws SQLException {
        for (List<Map.Entry<String, Instant>> part : Jdbc.pieces(List.copyOf(lastUsed.entrySet()),
                Jdbc.ROWS_PER_STATEMENT)) {
            // VALUES names its columns column1, column2 on both stores.
            String sql = "UPDATE client_secrets SET last_used_at = v.column2 FROM (VALUES " + Jdbc.rows(part.size(), 2)
                    + ") AS v WHERE client_secrets.id = v.column1"
                    + " AND (client_secrets.last_used_at IS NULL OR client_secrets.last_used_at < v.column2)";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int p = 1;
                for (Map.Entry<String, Instant> e : part) {
                    ps.setString(p++, e.getKey());
                    Jdbc.setInstant(ps, p++, e.getValue());
                }
                ps.executeUpdate();
            }
        }
    }

    /** Sets the scopes a client may get at an API, replacing any earlier grant there. */
    public void putGrant(Connection c, String clientId, String api, ScopeSet scopes) throws SQLException {
        deleteGrant(c, clientId, api);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO grants (client_id, api) VALUES (?, ?)")) {
            ps.setString(1, clientId);
            ps.setString(2, api);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO grant_scopes (client_id, api, scope) VALUES (?, ?, ?)")) {
            for (Scope s : scopes) {
                ps.setString(1, clientId);
                ps.setString(2, api);
                ps.setString(3, s.value());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public boolean deleteGrant(Connection c, String clientId, String api) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM grants WHERE client_id = ? AND api = ?")) {
            ps.setString(1, clientId);
            ps.setString(2, api);
            return ps.executeUpdate() > 0;
        }
    }

    private static Set<String> words(String s) {
        return s.isBlank() ? Set.of() : new LinkedHashSet<>(Arrays.asList(s.trim().split(" +")));
    }

    private static String join(List<String> values) {
        return String.join(" ", values);
    }
}
