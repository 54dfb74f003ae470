package dev.keycard.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
     * Records the uses in one statement, in the caller's transaction: one round trip however many
     * there are (a multi-row insert; the rows it wrote come back through {@code RETURNING}, which
     * SQLite 3.35+ and PostgreSQL both have).
     *
     * @return for each use, whether it is the first (false: a live row holds its {@code jti},
     *     also one earlier in the same list)
     */
    public boolean[] record(Connection c, List<Use> uses, Instant now) throws SQLException {
        boolean[] first = new boolean[uses.size()];
        // The same jti twice in one statement is an error on PostgreSQL: only its first use goes in.
        Map<String, Integer> firstIndex = new HashMap<>();
        List<Integer> written = new ArrayList<>(uses.size());
        for (int i = 0; i < uses.size(); i++) {
            if (firstIndex.putIfAbsent(key(uses.get(i).clientId(), uses.get(i).jti()), i) == null) {
                written.add(i);
            }
        }
        StringBuilder sql = new StringBuilder("INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES ");
        for (int i = 0; i < written.size(); i++) {
            sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
        }
        sql.append(" ON CONFLICT (client_id, jti) DO UPDATE SET expires_at = excluded.expires_at"
                + " WHERE client_assertion_jtis.expires_at <= ? RETURNING client_id, jti");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (int i : written) {
                Use u = uses.get(i);
                ps.setString(p++, u.clientId());
                ps.setString(p++, u.jti());
                Jdbc.setInstant(ps, p++, u.expiresAt());
            }
            Jdbc.setInstant(ps, p, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Integer i = firstIndex.get(key(rs.getString(1), rs.getString(2)));
                    if (i != null) {
                        first[i] = true;
                    }
                }
            }
        }
        return first;
    }

    private static String key(String clientId, String jti) {
        return clientId + ' ' + jti; // a client_id has no space
    }

    /** The latest {@code exp} among the recorded uses, expired or not; empty when there is none. */
    public Optional<Instant> latestExpiry(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT max(expires_at) AS latest FROM client_assertion_jtis");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(Jdbc.instant(rs, "latest")) : Optional.empty();
        }
    }

    /** Deletes the rows of assertions that have expired; returns how many. */
    public int purge(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM client_assertion_jtis WHERE expires_at <= ?")) {
            Jdbc.setInstant(ps, 1, now);
            return ps.executeUpdate();
        }
    }
}
