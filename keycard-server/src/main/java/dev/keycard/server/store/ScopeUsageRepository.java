package dev.keycard.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** When each client was last issued each scope, per API (V11 {@code client_scope_usage}). */
public final class ScopeUsageRepository {

    /** One use to record: a later time than the stored one wins. */
    public record Use(String clientId, String api, String scope, Instant at) {
    }

    /**
     * Records the uses; a time never moves backwards. One statement for up to
     * {@link Jdbc#ROWS_PER_STATEMENT} uses (a multi-row upsert); a use given twice counts once,
     * at its latest time (PostgreSQL refuses a statement that would update a row twice).
     */
    public void record(Connection c, Iterable<Use> uses) throws SQLException {
        Map<Key, Use> latest = new LinkedHashMap<>();
        for (Use u : uses) {
            latest.merge(new Key(u.clientId(), u.api(), u.scope()), u, (a, b) -> a.at().isBefore(b.at()) ? b : a);
        }
        for (List<Use> part : Jdbc.pieces(List.copyOf(latest.values()), Jdbc.ROWS_PER_STATEMENT)) {
            String sql = "INSERT INTO client_scope_usage (client_id, api, scope, last_used_at) VALUES "
                    + Jdbc.rows(part.size(), 4) + " ON CONFLICT (client_id, api, scope) DO UPDATE"
                    + " SET last_used_at = excluded.last_used_at"
                    + " WHERE client_scope_usage.last_used_at < excluded.last_used_at";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int p = 1;
                for (Use u : part) {
                    ps.setString(p++, u.clientId());
                    ps.setString(p++, u.api());
                    ps.setString(p++, u.scope());
                    Jdbc.setInstant(ps, p++, u.at());
                }
                ps.executeUpdate();
            }
        }
    }

    private record Key(String clientId, String api, String scope) {
    }

    /** For each API, each scope {@code clientId} was issued there, and when last. */
    public Map<String, Map<String, Instant>> of(Connection c, String clientId) throws SQLException {
        Map<String, Map<String, Instant>> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT api, scope, last_used_at FROM client_scope_usage WHERE client_id = ?")) {
            ps.setString(1, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                            .put(rs.getString(2), Jdbc.requiredInstant(rs, "last_used_at"));
                }
            }
        }
        return out;
    }

    /** Forgets a deleted client's uses. */
    public void deleteClient(Connection c, String clientId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM client_scope_usage WHERE client_id = ?")) {
            ps.setString(1, clientId);
            ps.executeUpdate();
        }
    }
}
