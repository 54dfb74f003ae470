package dev.keycard.server.store;

import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.AccessTokenType;
import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** APIs (resource servers) and the scopes they define. */
public final class ApiRepository {

    public List<Api> findAll(Connection c) throws SQLException {
        return select(c, "", List.of());
    }

    public Optional<Api> find(Connection c, String identifier) throws SQLException {
        return select(c, " WHERE identifier = ?", List.of(identifier)).stream().findFirst();
    }

    /** The APIs among {@code identifiers} that exist. */
    public List<Api> find(Connection c, Collection<String> identifiers) throws SQLException {
        List<Api> found = new ArrayList<>();
        for (List<String> batch : Jdbc.pieces(List.copyOf(identifiers), 500)) {
            found.addAll(select(c, " WHERE identifier IN (" + Jdbc.marks(batch.size())
                    + ")", batch));
        }
        return found;
    }

    /** Up to {@code limit} APIs in identifier order after {@code after}. */
    public List<Api> page(Connection c, Optional<String> after, int limit) throws SQLException {
        return select(c, (after.isPresent() ? " WHERE identifier > ?" : "") + " ORDER BY identifier LIMIT "
                + limit, after.map(List::of).orElse(List.of()));
    }

    private List<Api> select(Connection c, String where, List<String> args) throws SQLException {
        List<Api> apis = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM apis" + where)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setString(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    apis.add(read(rs, ScopeSet.empty()));
                }
            }
        }
        if (apis.isEmpty()) {
            return apis;
        }
        Map<String, TreeSet<Scope>> scopes = new HashMap<>();
        List<String> ids = apis.stream().map(Api::identifier).toList();
        try (PreparedStatement ps = c.prepareStatement("SELECT api, scope FROM api_scopes WHERE api IN ("
                + Jdbc.marks(ids.size()) + ")")) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    scopes.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(new Scope(rs.getString(2)));
                }
            }
        }
        return apis.stream().map(a -> a.withScopes(ScopeSet.of(scopes.getOrDefault(a.identifier(), new TreeSet<>()))))
                .toList();
    }

    /**
     * Locks the API's row for the rest of the transaction, then reads the API (empty, with nothing
     * locked, when there is none). Every admin change that reads an API and decides on it starts
     * here. On PostgreSQL (READ COMMITTED, a pool of connections, several nodes on one database)
     * two changes of one API would otherwise start from the same state and the last would undo
     * the first; with the lock the second waits for the first to commit and reads what it wrote.
     * {@code FOR NO KEY UPDATE}, as in {@link ClientRepository#findForUpdate}, still lets grants
     * that refer to the API be written meanwhile. SQLite, one connection, needs no lock.
     */
    public Optional<Api> findForUpdate(Connection c, String identifier, boolean sqlite) throws SQLException {
        if (!sqlite) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM apis WHERE identifier = ? FOR NO KEY UPDATE")) {
                ps.setString(1, identifier);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                }
            }
        }
        return find(c, identifier);
    }

    public boolean exists(Connection c, String identifier) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM apis WHERE identifier = ?")) {
            ps.setString(1, identifier);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    public void insert(Connection c, Api api) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO apis (identifier, name, token_lifetime_seconds,"
                + " signing_alg, enabled, built_in, created_at, updated_at, token_type)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, api.identifier());
            ps.setString(2, api.name());
            ps.setLong(3, api.tokenLifetime().toSeconds());
            ps.setString(4, api.signingAlg().name());
            ps.setBoolean(5, api.enabled());
            ps.setBoolean(6, api.builtIn());
            Jdbc.setInstant(ps, 7, api.createdAt());
            Jdbc.setInstant(ps, 8, api.updatedAt());
            ps.setString(9, api.tokenType().value());
            ps.executeUpdate();
        }
        insertScopes(c, api.identifier(), api.scopes());
    }

    /** Updates everything but the identifier; scopes no longer defined leave every grant too. */
    public void update(Connection c, Api before, Api after) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE apis SET name = ?, token_lifetime_seconds = ?,"
                + " signing_alg = ?, enabled = ?, updated_at = ?, token_type = ? WHERE identifier = ?")) {
            ps.setString(1, after.name());
            ps.setLong(2, after.tokenLifetime().toSeconds());
            ps.setString(3, after.signingAlg().name());
            ps.setBoolean(4, after.enabled());
            Jdbc.setInstant(ps, 5, after.updatedAt());
            ps.setString(6, after.tokenType().value());
            ps.setString(7, after.identifier());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_scopes WHERE api = ? AND scope = ?")) {
            for (Scope removed : after.scopes().missing(before.scopes())) {
                ps.setString(1, after.identifier());
                ps.setString(2, removed.value());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        insertScopes(c, after.identifier(), before.scopes().missing(after.scopes()));
    }

    public boolean delete(Connection c, String identifier) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM apis WHERE identifier = ?")) {
            ps.setString(1, identifier);
            return ps.executeUpdate() > 0;
        }
    }

    private static void insertScopes(Connection c, String api, ScopeSet scopes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_scopes (api, scope) VALUES (?, ?)")) {
            for (Scope s : scopes) {
                ps.setString(1, api);
                ps.setString(2, s.value());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static Api read(ResultSet rs, ScopeSet scopes) throws SQLException {
        return new Api(rs.getString("identifier"), rs.getString("name"), scopes,
                Duration.ofSeconds(rs.getLong("token_lifetime_seconds")),
                SigningAlg.named(rs.getString("signing_alg")).orElseThrow(
                        () -> new SQLException("unknown signing_alg in store")),
                rs.getBoolean("enabled"), rs.getBoolean("built_in"),
                Jdbc.requiredInstant(rs, "created_at"), Jdbc.requiredInstant(rs, "updated_at"),
                AccessTokenType.named(rs.getString("token_type")).orElseThrow(
                        () -> new SQLException("unknown token_type in store")));
    }
}
