package dev.keycard.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** When each client was last issued each scope, per API (V11 {@code client_scope_usage}). */
public final class ScopeUsageRepository {

    /** One use to record: a later time than the stored one wins. */
    public record Use(String clientId, String api, String scope, Instant at) {
    }

    public void record(Connection c, Iterable<Use> uses) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO client_scope_usage (client_id, api, scope, last_used_at)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (client_id, api, scope) DO UPDATE SET last_used_at = excluded.last_used_at"
                + " WHERE client_scope_usage.last_used_at < excluded.last_used_at")) {
            for (Use u : uses) {
                ps.setString(1, u.clientId());
                ps.setString(2, u.api());
                ps.setString(3, u.scope());
                Jdbc.setInstant(ps, 4, u.at());
                ps.addBatch();
            }
            ps.executeBatch();
        }
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
