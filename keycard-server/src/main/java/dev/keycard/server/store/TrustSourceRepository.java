package dev.keycard.server.store;

import dev.keycard.server.registry.TrustSource;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The trust sources of workload identity federation (table {@code trust_sources}, migration V8). */
public final class TrustSourceRepository {

    private static final String COLUMNS = "name, kind, issuer, discovery, jwks_uri, jwks, audience,"
            + " max_token_lifetime_seconds, created_at";

    /** Every trust source, by name. */
    public List<TrustSource> findAll(Connection c) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM trust_sources ORDER BY name", null);
    }

    public Optional<TrustSource> find(Connection c, String name) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM trust_sources WHERE name = ?", name).stream().findFirst();
    }

    /** The trust source whose issuer is {@code issuer}, if one is. */
    public Optional<TrustSource> findByIssuer(Connection c, String issuer) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM trust_sources WHERE issuer = ?", issuer).stream().findFirst();
    }

    private static List<TrustSource> query(Connection c, String sql, String arg) throws SQLException {
        List<TrustSource> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TrustSource.Keys keys = rs.getBoolean(4) ? TrustSource.Keys.discovered()
                            : rs.getString(5) != null ? TrustSource.Keys.at(URI.create(rs.getString(5)))
                            : TrustSource.Keys.inline(rs.getString(6));
                    out.add(new TrustSource(rs.getString(1), TrustSource.Kind.fromWire(rs.getString(2))
                            .orElse(TrustSource.Kind.OIDC), rs.getString(3), keys, Optional.ofNullable(rs.getString(7)),
                            Duration.ofSeconds(rs.getLong(8)), Instant.ofEpochMilli(rs.getLong(9))));
                }
            }
        }
        return out;
    }

    /** @return false when a concurrent change registered the name or the issuer first */
    public boolean insert(Connection c, TrustSource t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO trust_sources (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, t.name());
            ps.setString(2, t.kind().wire());
            ps.setString(3, t.issuer());
            ps.setBoolean(4, t.keys().discovery());
            ps.setString(5, t.keys().jwksUri().map(URI::toString).orElse(null));
            ps.setString(6, t.keys().jwks().orElse(null));
            ps.setString(7, t.audience().orElse(null));
            ps.setLong(8, t.maxTokenLifetime().toSeconds());
            Jdbc.setInstant(ps, 9, t.createdAt());
            return ps.executeUpdate() == 1; // the name or the issuer was registered by a concurrent change
        }
    }

    /** How many federated identities name {@code name}. */
    public int identities(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM federated_identities WHERE trust_source = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    public boolean delete(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM trust_sources WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() > 0;
        }
    }
}
