package dev.keycard.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Signing keys as stored: the public JWK in clear, the private JWK encrypted under the master key. */
public final class KeyRepository {

    /**
     * One stored key.
     *
     * @param kid key id, also the AES-GCM associated data of its encrypted private part
     * @param alg the JWS algorithm it signs with
     * @param publicJwk the public JWK as JSON
     * @param privateJwkEncrypted base64 of nonce and ciphertext of the private JWK
     * @param status {@code active} for now
     */
    public record StoredKey(String kid, String alg, String publicJwk, String privateJwkEncrypted, String status,
                            Instant createdAt) {
    }

    public List<StoredKey> findAll(Connection c) throws SQLException {
        List<StoredKey> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM signing_keys ORDER BY created_at, kid");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                keys.add(new StoredKey(rs.getString("kid"), rs.getString("alg"), rs.getString("public_jwk"),
                        rs.getString("private_jwk_encrypted"), rs.getString("status"),
                        Jdbc.requiredInstant(rs, "created_at")));
            }
        }
        return keys;
    }

    public void insert(Connection c, StoredKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO signing_keys (kid, alg, public_jwk,"
                + " private_jwk_encrypted, status, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, key.kid());
            ps.setString(2, key.alg());
            ps.setString(3, key.publicJwk());
            ps.setString(4, key.privateJwkEncrypted());
            ps.setString(5, key.status());
            Jdbc.setInstant(ps, 6, key.createdAt());
            ps.executeUpdate();
        }
    }
}
