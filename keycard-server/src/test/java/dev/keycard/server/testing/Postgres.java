package dev.keycard.server.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A private schema on the test PostgreSQL ({@code KEYCARD_TEST_POSTGRES_URL}, default
 * 127.0.0.1:5432 database test), so test runs never see each other's rows. Where no PostgreSQL
 * answers, the calling test is skipped with a message saying so.
 */
public final class Postgres implements AutoCloseable {

    public static final String URL = System.getenv().getOrDefault("KEYCARD_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private final String schema;

    private Postgres(String schema) {
        this.schema = schema;
    }

    /** Creates a fresh schema, or skips the test when PostgreSQL is not reachable. */
    public static Postgres schema() {
        String name = "kc_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(URL + "&connectTimeout=3"); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            Assumptions.abort("PostgreSQL not reachable at " + URL + " (" + e.getMessage()
                    + "): skipping the PostgreSQL tests; set KEYCARD_TEST_POSTGRES_URL to run them");
        }
        return new Postgres(name);
    }

    /** The JDBC URL whose connections work in this schema. */
    public String url() {
        return URL + "&currentSchema=" + schema;
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            // Left behind; a later run is not affected (schemas are unique).
        }
    }
}
