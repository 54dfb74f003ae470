package dev.keycard.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The {@code jti} of every client assertion accepted, kept until the assertion expires, so that
 * each is used once on every node and across restarts (RFC 7523 §3 item 7). The same SQL on
 * SQLite (3.24+) and PostgreSQL (9.5+): an insert that conflicts with a live row changes nothing
 * (a replay), one that conflicts with an expired row takes it over (the client may reuse a
 * {@code jti} once its earlier assertion is dead).
 */
public final class AssertionJtiRepository {

    /** One accepted assertion: its client, its {@code jti}, its {@code exp}. */
    public record Use(String clientId, String jti, Instant expiresAt) {
    }

    /**
     * Records each use in order, in the caller's transaction.
     *
     * @return for each use, whether it is the first (false: a live row holds its {@code jti},
     *     also one recorded earlier in the same list)
     */
    public boolean[] record(Connection c, List<Use> uses, Instant now) throws SQLException {
        boolean[] first = new boolean[uses.size()];
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO client_assertion_jtis (client_id, jti, expires_at)"
                + " VALUES (?, ?, ?) ON CONFLICT (client_id, jti) DO UPDATE SET expires_at = excluded.expires_at"
                + " WHERE client_assertion_jtis.expires_at <= ?")) {
            for (int i = 0; i < uses.size(); i++) {
                Use u = uses.get(i);
                ps.setString(1, u.clientId());
                ps.setString(2, u.jti());
                Jdbc.setInstant(ps, 3, u.expiresAt());
                Jdbc.setInstant(ps, 4, now);
                // One statement at a time: a batch may not report each row's count (pgjdbc rewrites).
                first[i] = ps.executeUpdate() == 1;
            }
        }
        return first;
    }

    /** Deletes the rows of assertions that have expired; returns how many. */
    public int purge(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM client_assertion_jtis WHERE expires_at <= ?")) {
            Jdbc.setInstant(ps, 1, now);
            return ps.executeUpdate();
        }
    }
}
