package dev.keycard.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The console's sign-in links and sessions (V11): rows keyed by the SHA-256 of their secret, never
 * the secret itself.
 */
public final class ConsoleSessionRepository {

    /** What a row is. */
    public enum Kind {
        /** A one-time sign-in link, deleted when used. */
        LINK,
        /** A signed-in browser. */
        SESSION;

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A live row: the admin client it belongs to, and until when. */
    public record Row(String clientId, Instant expiresAt) {
    }

    public void insert(Connection c, String secretHash, Kind kind, String clientId, Instant createdAt,
                       Instant expiresAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO console_sessions"
                + " (secret_hash, kind, client_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, secretHash);
            ps.setString(2, kind.column());
            ps.setString(3, clientId);
            Jdbc.setInstant(ps, 4, createdAt);
            Jdbc.setInstant(ps, 5, expiresAt);
            ps.executeUpdate();
        }
    }

    /** The row of this kind, if it has not expired at {@code now}. */
    public Optional<Row> find(Connection c, String secretHash, Kind kind, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT client_id, expires_at FROM console_sessions"
                + " WHERE secret_hash = ? AND kind = ? AND expires_at > ?")) {
            ps.setString(1, secretHash);
            ps.setString(2, kind.column());
            Jdbc.setInstant(ps, 3, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Row(rs.getString(1), Jdbc.requiredInstant(rs, "expires_at")))
                        : Optional.empty();
            }
        }
    }

    /** Deletes the row of this kind; returns whether there was one (live or not). */
    public boolean delete(Connection c, String secretHash, Kind kind) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM console_sessions WHERE secret_hash = ? AND kind = ?")) {
            ps.setString(1, secretHash);
            ps.setString(2, kind.column());
            return ps.executeUpdate() == 1;
        }
    }

    /** Deletes every row of {@code clientId}: its sessions end. Returns how many. */
    public int deleteAll(Connection c, String clientId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_sessions WHERE client_id = ?")) {
            ps.setString(1, clientId);
            return ps.executeUpdate();
        }
    }

    /** Deletes what has expired; returns how many. */
    public int purge(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_sessions WHERE expires_at <= ?")) {
            Jdbc.setInstant(ps, 1, now);
            return ps.executeUpdate();
        }
    }
}
