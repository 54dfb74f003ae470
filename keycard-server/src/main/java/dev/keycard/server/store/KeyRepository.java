package dev.keycard.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Signing keys as stored: the public JWK in clear, the private JWK encrypted under the master key. */
public final class KeyRepository {

    /**
     * One stored key.
     *
     * @param kid key id, also the AES-GCM associated data of its encrypted private part
     * @param alg the JWS algorithm it signs with
     * @param publicJwk the public JWK as JSON
     * @param privateJwkEncrypted base64 of nonce and ciphertext of the private JWK
     * @param status {@code active}, or {@code removed} once taken out by hand
     * @param createdAt when it was made and published
     * @param activatesAt when it starts signing
     * @param removedAt when it was removed as compromised, if it was
     */
    public record StoredKey(String kid, String alg, String publicJwk, String privateJwkEncrypted, String status,
                            Instant createdAt, Instant activatesAt, @Nullable Instant removedAt) {
    }

    public List<StoredKey> findAll(Connection c) throws SQLException {
        List<StoredKey> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM signing_keys ORDER BY activates_at, created_at, kid");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(new StoredKey(rs.getString("kid"), rs.getString("alg"), rs.getString("public_jwk"),
                        rs.getString("private_jwk_encrypted"), rs.getString("status"),
                        Jdbc.requiredInstant(rs, "created_at"), Jdbc.requiredInstant(rs, "activates_at"),
                        Jdbc.instant(rs, "removed_at")));
            }
        }
        return keys;
    }

    public void insert(Connection c, StoredKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO signing_keys (kid, alg, public_jwk,"
                + " private_jwk_encrypted, status, created_at, activates_at, removed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, key.kid());
            ps.setString(2, key.alg());
            ps.setString(3, key.publicJwk());
            ps.setString(4, key.privateJwkEncrypted());
            ps.setString(5, key.status());
            Jdbc.setInstant(ps, 6, key.createdAt());
            Jdbc.setInstant(ps, 7, key.activatesAt());
            Jdbc.setInstant(ps, 8, key.removedAt());
            ps.executeUpdate();
        }
    }

    /** Marks a key removed; false when there is no such key or it was removed already. */
    public boolean remove(Connection c, String kid, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE signing_keys SET status = 'removed', removed_at = ? WHERE kid = ? AND removed_at IS NULL")) {
            Jdbc.setInstant(ps, 1, at);
            ps.setString(2, kid);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Serializes key rotation across the nodes sharing a PostgreSQL store for the rest of the
     * transaction (a transaction-level advisory lock); SQLite has one writer already.
     */
    public void lockRotation(Connection c, boolean sqlite) throws SQLException {
        if (!sqlite) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(7304218611)")) {
                ps.execute();
            }
        }
    }
}
