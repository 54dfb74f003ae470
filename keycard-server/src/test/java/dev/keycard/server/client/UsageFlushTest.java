package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.registry.Client;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.ScopeUsageRepository;
import dev.keycard.server.testing.Postgres;
import dev.keycard.server.testing.Seed;
import dev.keycard.server.testing.TestClients;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage flush against real stores, with more uses than one transaction holds: every secret's
 * time and every scope reach the store (SQLite and PostgreSQL); when a piece fails, the pieces
 * before it stay written and the rest are written at the next flush (SQLite, whose triggers make a
 * piece fail); a flush writes at most its share of clients, the rest at the next flushes and all
 * at shutdown.
 */
class UsageFlushTest {

    static final String API = "https://jobs.internal";
    static final String SCOPE = "jobs:read";
    /** Clients used: their secrets and scopes are five transactions' worth of rows. */
    static final int CLIENTS = 5 * UsageFlush.ROWS_PER_TRANSACTION / 2;
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path dir;

    @Test
    void flushWhenMoreUsesThanOneTransactionHoldsThenAllAreWritten() throws Exception {
        allWritten(seeded("jdbc:sqlite:" + dir.resolve("keycard.db")));
    }

    @Test
    void flushWhenMoreUsesThanOneTransactionHoldsOnPostgresThenAllAreWritten() throws Exception {
        try (Postgres pg = Postgres.schema()) {
            allWritten(seeded(pg.url()));
        }
    }

    private static void allWritten(String url) throws Exception {
        try (Database db = Database.open(url, "", "", 2); Connection other = DriverManager.getConnection(url)) {
            flushOf(db).flush();
            assertEquals(CLIENTS, count(other, "SELECT count(*) FROM client_secrets WHERE last_used_at IS NOT NULL"));
            assertEquals(CLIENTS, count(other, "SELECT count(*) FROM client_scope_usage"));
        }
    }

    @Test
    void flushWhenAPieceFailsThenEarlierPiecesStayWrittenAndTheRestAreWrittenNextTime() throws Exception {
        String url = seeded("jdbc:sqlite:" + dir.resolve("keycard.db"));
        try (Database db = Database.open(url, "", "", 2); Connection other = DriverManager.getConnection(url)) {
            try (Statement s = other.createStatement()) {
                // The last client's scope goes in the last piece: that piece fails, while the trigger is there.
                s.execute("CREATE TRIGGER refuse BEFORE INSERT ON client_scope_usage WHEN NEW.client_id = '"
                        + id(CLIENTS - 1) + "' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
            }
            UsageFlush flush = flushOf(db);
            flush.flush();
            int scopes = count(other, "SELECT count(*) FROM client_scope_usage");
            assertEquals(CLIENTS, count(other, "SELECT count(*) FROM client_secrets WHERE last_used_at IS NOT NULL"),
                    "the secrets' pieces came first and stayed written");
            assertTrue(scopes > 0 && scopes < CLIENTS,
                    "only the failed piece and those after it are missing: " + scopes);
            try (Statement s = other.createStatement()) {
                s.execute("DROP TRIGGER refuse");
            }
            flush.flush();
            assertEquals(CLIENTS, count(other, "SELECT count(*) FROM client_scope_usage"),
                    "what the failed piece held was handed back and written at the next flush");
        }
    }

    @Test
    void clientsPerFlushWhenPacedThenTheWholeRegistryFitsInAQuarterOfTheResolution() {
        Duration flush = Duration.ofSeconds(30);
        assertEquals(3_334, UsageFlush.clientsPerFlush(100_000, flush, HOUR), "100,000 in 30 flushes of 30 s");
        assertEquals(33_334, UsageFlush.clientsPerFlush(1_000_000, flush, HOUR));
        assertEquals(1_000, UsageFlush.clientsPerFlush(10, flush, HOUR), "never fewer than 1,000");
        assertEquals(Integer.MAX_VALUE, UsageFlush.clientsPerFlush(100_000, flush, Duration.ZERO),
                "every use written at the next flush");
        assertEquals(100_000, UsageFlush.clientsPerFlush(100_000, Duration.ofMinutes(15), HOUR), "all in one flush a quarter long");
    }

    @Test
    void flushWhenMoreClientsThanItsShareThenTheRestFollowAtTheNextFlushesAndAllAtShutdown() throws Exception {
        String url = seeded("jdbc:sqlite:" + dir.resolve("keycard.db"));
        try (Database db = Database.open(url, "", "", 2); Connection other = DriverManager.getConnection(url)) {
            UsageFlush paced = flushOf(db, HOUR); // 2,500 registered: 1,000 a flush
            String secrets = "SELECT count(*) FROM client_secrets WHERE last_used_at IS NOT NULL";
            paced.flush();
            assertEquals(1_000, count(other, secrets));
            assertEquals(1_000, count(other, "SELECT count(*) FROM client_scope_usage"));
            assertEquals(1_000, count(other, "SELECT count(*) FROM client_scope_usage WHERE client_id < '" + id(1_000)
                    + "'"), "the clients first used are written first");
            paced.flush();
            assertEquals(2_000, count(other, secrets));
            paced.flushAll();
            assertEquals(CLIENTS, count(other, secrets), "at shutdown, everything");
            assertEquals(CLIENTS, count(other, "SELECT count(*) FROM client_scope_usage"));
        }
    }

    /** A store with {@link #CLIENTS} clients, each with one secret and one grant. */
    private static String seeded(String url) throws Exception {
        Database.open(url, "", "", 2).close(); // the schema
        Seed.api(url, API, SCOPE);
        Seed.clients(url, "c", CLIENTS, API, SCOPE);
        return url;
    }

    /** A flush writing every use at once, with each seeded client's secret and scope used once, in the clients' order. */
    private static UsageFlush flushOf(Database db) {
        return flushOf(db, Duration.ZERO);
    }

    /** A flush every 30 s at {@code resolution}, with each seeded client's secret and scope used once, in order. */
    private static UsageFlush flushOf(Database db, Duration resolution) {
        SecretUsage secrets = new SecretUsage(resolution);
        ScopeUsage scopes = new ScopeUsage(resolution);
        for (int i = 0; i < CLIENTS; i++) {
            Client client = TestClients.client(id(i)).grant(API, SCOPE).build();
            secrets.used(client, "sec_" + id(i), NOW);
            scopes.used(client, API, ScopeSet.parse(SCOPE), NOW);
        }
        return new UsageFlush(db, new ClientRepository(), new ScopeUsageRepository(), secrets, scopes,
                Clock.fixed(NOW, ZoneOffset.UTC), () -> CLIENTS, Duration.ofSeconds(30), resolution);
    }

    private static String id(int i) {
        return "c" + String.format("%06d", i);
    }

    private static int count(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
