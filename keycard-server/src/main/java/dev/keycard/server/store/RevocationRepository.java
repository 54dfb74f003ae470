package dev.keycard.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Revoked tokens by {@code jti}, kept until the token would have expired anyway, and per-client
 * revocations: every token of the client issued until a time. The upserts
 * ({@code ON CONFLICT}) are the same SQL on SQLite (3.24+) and PostgreSQL (9.5+).
 */
public final class RevocationRepository {

    private static final int BATCH = 500;

    /**
     * A revoked token.
     *
     * @param jti its {@code jti}
     * @param clientId the client it was issued to
     * @param expiresAt its {@code exp}: the row can go after that
     * @param revokedAt when it was revoked
     */
    public record RevokedToken(String jti, String clientId, Instant expiresAt, Instant revokedAt) {
    }

    /** Every revoked token that has not expired at {@code now}. */
    public List<RevokedToken> findRevokedTokens(Connection c, Instant now) throws SQLException {
        List<RevokedToken> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT jti, client_id, expires_at, revoked_at FROM revoked_tokens WHERE expires_at > ?")) {
            Jdbc.setInstant(ps, 1, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new RevokedToken(rs.getString(1), rs.getString(2), Jdbc.requiredInstant(rs, "expires_at"),
                            Jdbc.requiredInstant(rs, "revoked_at")));
                }
            }
        }
        return out;
    }

    /** The revoked tokens among {@code jtis} that have not expired at {@code now}. */
    public List<RevokedToken> findRevokedTokens(Connection c, Collection<String> jtis, Instant now)
            throws SQLException {
        List<RevokedToken> out = new ArrayList<>();
        for (List<String> batch : Jdbc.pieces(List.copyOf(jtis), BATCH)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT jti, client_id, expires_at, revoked_at"
                    + " FROM revoked_tokens WHERE expires_at > ? AND jti IN (" + Jdbc.marks(batch.size()) + ")")) {
                Jdbc.setInstant(ps, 1, now);
                for (int i = 0; i < batch.size(); i++) {
                    ps.setString(i + 2, batch.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new RevokedToken(rs.getString(1), rs.getString(2),
                                Jdbc.requiredInstant(rs, "expires_at"), Jdbc.requiredInstant(rs, "revoked_at")));
                    }
                }
            }
        }
        return out;
    }

    /** The {@code revoked_before} of those of {@code clientIds} that have one. */
    public Map<String, Instant> findClientRevocations(Connection c, Collection<String> clientIds) throws SQLException {
        Map<String, Instant> out = new LinkedHashMap<>();
        for (List<String> batch : Jdbc.pieces(List.copyOf(clientIds), BATCH)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT client_id, revoked_before FROM client_revocations"
                    + " WHERE client_id IN (" + Jdbc.marks(batch.size()) + ")")) {
                for (int i = 0; i < batch.size(); i++) {
                    ps.setString(i + 1, batch.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), Jdbc.requiredInstant(rs, "revoked_before"));
                    }
                }
            }
        }
        return out;
    }

    /** Records a revoked token; false when its {@code jti} was revoked already (the first record stays). */
    public boolean insertRevokedToken(Connection c, RevokedToken token) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO revoked_tokens (jti, client_id, expires_at,"
                + " revoked_at) VALUES (?, ?, ?, ?) ON CONFLICT (jti) DO NOTHING")) {
            ps.setString(1, token.jti());
            ps.setString(2, token.clientId());
            Jdbc.setInstant(ps, 3, token.expiresAt());
            Jdbc.setInstant(ps, 4, token.revokedAt());
            return ps.executeUpdate() == 1;
        }
    }

    /** Removes the revoked tokens that expired at or before {@code now}; returns how many. */
    public int deleteExpired(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM revoked_tokens WHERE expires_at <= ?")) {
            Jdbc.setInstant(ps, 1, now);
            return ps.executeUpdate();
        }
    }

    /** Each client's {@code revoked_before}. */
    public Map<String, Instant> findClientRevocations(Connection c) throws SQLException {
        Map<String, Instant> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT client_id, revoked_before FROM client_revocations");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), Jdbc.requiredInstant(rs, "revoked_before"));
            }
        }
        return out;
    }

    /**
     * Forgets the client revocations older than {@code before}: every token they cover has expired.
     *
     * @return how many rows were removed
     */
    public int deleteClientRevocationsBefore(Connection c, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM client_revocations WHERE revoked_before < ?")) {
            Jdbc.setInstant(ps, 1, before);
            return ps.executeUpdate();
        }
    }

    /**
     * Sets the client's {@code revoked_before}; it never moves back, so a later call with an
     * earlier time (a node whose clock lags) un-revokes nothing. The row outlives the client: a
     * deleted client's tokens stay revoked if the same {@code client_id} is created again.
     *
     * @return the client's {@code revoked_before} after the call
     */
    public Instant putClientRevocation(Connection c, String clientId, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO client_revocations (client_id, revoked_before)"
                + " VALUES (?, ?) ON CONFLICT (client_id) DO UPDATE SET revoked_before = CASE"
                + " WHEN excluded.revoked_before > client_revocations.revoked_before"
                + " THEN excluded.revoked_before ELSE client_revocations.revoked_before END")) {
            ps.setString(1, clientId);
            Jdbc.setInstant(ps, 2, before);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT revoked_before FROM client_revocations WHERE client_id = ?")) {
            ps.setString(1, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("client revocation of " + clientId + " not found after writing it");
                }
                return Jdbc.requiredInstant(rs, "revoked_before");
            }
        }
    }
}
