package dev.keycard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keycard.server.testing.Postgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The store contract on PostgreSQL, in a schema of its own; skipped where none is reachable. */
class PostgresStoreTest extends StoreContract {

    private Postgres postgres;

    @Override
    Database open() {
        postgres = Postgres.schema();
        return reopen();
    }

    @Override
    Database reopen() {
        return Database.open(postgres.url(), "", "", 2);
    }

    @Test
    void openWhenAutovacuumIsOffThenAWarningSaysWhatToDoAndWhenOnNone() throws Exception {
        boolean off;
        postgres = Postgres.schema();
        try (Connection c = DriverManager.getConnection(postgres.url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW autovacuum")) {
            rs.next();
            off = rs.getString(1).equals("off");
        }
        Logger logger = (Logger) LoggerFactory.getLogger(Database.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try (Database db = reopen()) {
            boolean warned = lines.list.stream().anyMatch(e -> e.getLevel().toString().equals("WARN")
                    && e.getFormattedMessage().contains("autovacuum off") && e.getFormattedMessage().contains("ANALYZE"));
            assertEquals(off, warned, "warned exactly when this PostgreSQL's autovacuum is off");
        } finally {
            logger.detachAppender(lines);
        }
    }

    @Test
    void connectionsWhenOpenedThenPlanEachExecutionForTheTablesAsTheyAreNow() {
        postgres = Postgres.schema();
        try (Database db = reopen()) {
            // A generic plan made for a nearly empty table would otherwise be kept as the registry grows.
            String mode = db.transaction(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW plan_cache_mode")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertEquals("force_custom_plan", mode);
        }
    }

    @AfterEach
    void dropSchema() {
        if (postgres != null) {
            postgres.close();
        }
    }
}
