package dev.keycard.server.testing;

import dev.keycard.server.client.Secrets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Base64;

/**
 * Fills a store with many clients at once, straight through JDBC (as a migration from another
 * server would), for tests and benchmarks of a large registry: clients {@code prefix + 000000…},
 * each with one secret ({@link #SECRET}) and one grant. Run it before the nodes start: they read
 * the rows at start, and no change is recorded for them.
 */
public final class Seed {

    /** The secret of every seeded client. */
    public static final String SECRET = "kcs_seeded-secret-0123456789abcdefghijklmnop";

    private Seed() {
    }

    /** Creates the API {@code api} with {@code scope}, unless it exists. */
    public static void api(String jdbcUrl, String api, String scope) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false);
            long now = System.currentTimeMillis();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO apis (identifier, name, token_lifetime_seconds,"
                    + " signing_alg, enabled, built_in, created_at, updated_at) VALUES (?, ?, 300, 'ES256', ?, ?, ?, ?)"
                    + " ON CONFLICT (identifier) DO NOTHING")) {
                ps.setString(1, api);
                ps.setString(2, "Seeded API");
                ps.setBoolean(3, true);
                ps.setBoolean(4, false);
                ps.setLong(5, now);
                ps.setLong(6, now);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO api_scopes (api, scope) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, api);
                ps.setString(2, scope);
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    /** Adds {@code count} clients named {@code prefix} and six digits, granted {@code scope} at {@code api}. */
    public static void clients(String jdbcUrl, String prefix, int count, String api, String scope)
            throws SQLException {
        String digest = Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.digest(SECRET));
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false);
            long now = System.currentTimeMillis();
            try (PreparedStatement clients = c.prepareStatement("INSERT INTO clients (client_id, name, enabled,"
                    + " auth_methods, grant_types, default_api, created_at, updated_at) VALUES (?, ?, ?,"
                    + " 'client_secret_basic client_secret_post', 'client_credentials', NULL, ?, ?)");
                 PreparedStatement secrets = c.prepareStatement("INSERT INTO client_secrets (id, client_id, digest,"
                         + " hint, created_at) VALUES (?, ?, ?, 'kcs_seed…nop', ?)");
                 PreparedStatement grants = c.prepareStatement("INSERT INTO grants (client_id, api) VALUES (?, ?)");
                 PreparedStatement scopes = c.prepareStatement(
                         "INSERT INTO grant_scopes (client_id, api, scope) VALUES (?, ?, ?)")) {
                for (int i = 0; i < count; i++) {
                    String id = prefix + String.format("%06d", i);
                    clients.setString(1, id);
                    clients.setString(2, "Seeded " + id);
                    clients.setBoolean(3, true);
                    clients.setLong(4, now);
                    clients.setLong(5, now);
                    clients.addBatch();
                    secrets.setString(1, "sec_" + id);
                    secrets.setString(2, id);
                    secrets.setString(3, digest);
                    secrets.setLong(4, now);
                    secrets.addBatch();
                    grants.setString(1, id);
                    grants.setString(2, api);
                    grants.addBatch();
                    scopes.setString(1, id);
                    scopes.setString(2, api);
                    scopes.setString(3, scope);
                    scopes.addBatch();
                    if (i % 5_000 == 4_999 || i == count - 1) {
                        clients.executeBatch();
                        secrets.executeBatch();
                        grants.executeBatch();
                        scopes.executeBatch();
                    }
                }
            }
            c.commit();
        }
    }
}
