package dev.keycard.server.store;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.ClientId;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientSecret;
import dev.keycard.server.config.RateLimit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Clients with their secrets and per-API grants. */
public final class ClientRepository {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    public List<Client> findAll(Connection c) throws SQLException {
        return load(c, null);
    }

    public Optional<Client> find(Connection c, String clientId) throws SQLException {
        return load(c, clientId).stream().findFirst();
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

    private List<Client> load(Connection c, String only) throws SQLException {
        String where = only == null ? "" : " WHERE client_id = ?";
        Map<String, List<ClientSecret>> secrets = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM client_secrets" + where)) {
            bind(ps, only);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    secrets.computeIfAbsent(rs.getString("client_id"), k -> new ArrayList<>()).add(new ClientSecret(
                            rs.getString("id"), B64D.decode(rs.getString("digest")), rs.getString("hint"),
                            Jdbc.requiredInstant(rs, "created_at"), Jdbc.instant(rs, "expires_at"),
                            Jdbc.instant(rs, "last_used_at")));
                }
            }
        }
        Map<String, Map<String, TreeSet<Scope>>> grants = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT g.client_id, g.api, s.scope FROM grants g"
                + " LEFT JOIN grant_scopes s ON s.client_id = g.client_id AND s.api = g.api"
                + (only == null ? "" : " WHERE g.client_id = ?"))) {
            bind(ps, only);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TreeSet<Scope> set = grants.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                            .computeIfAbsent(rs.getString(2), k -> new TreeSet<>());
                    String scope = rs.getString(3);
                    if (scope != null) {
                        set.add(new Scope(scope));
                    }
                }
            }
        }
        List<Client> clients = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM clients" + where + " ORDER BY client_id")) {
            bind(ps, only);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString("client_id");
                    Map<String, ScopeSet> granted = grants.getOrDefault(id, Map.of()).entrySet().stream()
                            .collect(Collectors.toMap(Map.Entry::getKey, e -> ScopeSet.of(e.getValue())));
                    List<ClientSecret> own = new ArrayList<>(secrets.getOrDefault(id, List.of()));
                    own.sort(Comparator.comparing(ClientSecret::createdAt).reversed());
                    clients.add(new Client(new ClientId(id), rs.getString("name"), rs.getBoolean("enabled"),
                            words(rs.getString("auth_methods")).stream().map(ClientAuthMethod::new)
                                    .collect(Collectors.toCollection(LinkedHashSet::new)),
                            words(rs.getString("grant_types")).stream().map(GrantType::new)
                                    .collect(Collectors.toCollection(LinkedHashSet::new)),
                            Optional.ofNullable(rs.getString("default_api")), granted, own,
                            Jdbc.requiredInstant(rs, "created_at"), Jdbc.requiredInstant(rs, "updated_at"),
                            Optional.ofNullable(rs.getString("token_rate_limit")).map(RateLimit::parse)));
                }
            }
        }
        return clients;
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
                + " grant_types, default_api, created_at, updated_at, token_rate_limit)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, client.id().value());
            ps.setString(2, client.name());
            ps.setBoolean(3, client.enabled());
            ps.setString(4, join(client.authMethods().stream().map(ClientAuthMethod::value).toList()));
            ps.setString(5, join(client.grantTypes().stream().map(GrantType::value).toList()));
            ps.setString(6, client.defaultApi().orElse(null));
            Jdbc.setInstant(ps, 7, client.createdAt());
            Jdbc.setInstant(ps, 8, client.updatedAt());
            ps.setString(9, client.tokenRateLimit().map(RateLimit::toString).orElse(null));
            ps.executeUpdate();
        }
        for (ClientSecret s : client.secrets()) {
            insertSecret(c, client.id().value(), s);
        }
        for (Map.Entry<String, ScopeSet> g : client.grants().entrySet()) {
            putGrant(c, client.id().value(), g.getKey(), g.getValue());
        }
    }

    /** Updates name, enabled, methods, grant types, default API and token rate limit. */
    public void update(Connection c, Client client) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE clients SET name = ?, enabled = ?, auth_methods = ?,"
                + " grant_types = ?, default_api = ?, updated_at = ?, token_rate_limit = ? WHERE client_id = ?")) {
            ps.setString(1, client.name());
            ps.setBoolean(2, client.enabled());
            ps.setString(3, join(client.authMethods().stream().map(ClientAuthMethod::value).toList()));
            ps.setString(4, join(client.grantTypes().stream().map(GrantType::value).toList()));
            ps.setString(5, client.defaultApi().orElse(null));
            Jdbc.setInstant(ps, 6, client.updatedAt());
            ps.setString(7, client.tokenRateLimit().map(RateLimit::toString).orElse(null));
            ps.setString(8, client.id().value());
            ps.executeUpdate();
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

    /** Records last-used times; a time never moves backwards. */
    public void recordLastUsed(Connection c, Map<String, Instant> lastUsed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE client_secrets SET last_used_at = ?"
                + " WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
            for (Map.Entry<String, Instant> e : lastUsed.entrySet()) {
                Jdbc.setInstant(ps, 1, e.getValue());
                ps.setString(2, e.getKey());
                Jdbc.setInstant(ps, 3, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
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

    private static void bind(PreparedStatement ps, String only) throws SQLException {
        if (only != null) {
            ps.setString(1, only);
        }
    }

    private static Set<String> words(String s) {
        return s.isBlank() ? Set.of() : new LinkedHashSet<>(Arrays.asList(s.trim().split(" +")));
    }

    private static String join(List<String> values) {
        return String.join(" ", values);
    }
}
