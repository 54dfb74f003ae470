package dev.keycard.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.keycard.server.config.PrivateFiles;
import dev.keycard.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The JDBC store: a HikariCP pool over SQLite (embedded default) or PostgreSQL, migrated by
 * Flyway on open. SQLite runs in WAL mode with {@code synchronous=FULL}, so a committed write
 * survives a power cut, with one connection, so writers never meet {@code SQLITE_BUSY}.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** How often a transaction is tried when PostgreSQL keeps aborting it (deadlock, serialization). */
    static final int ATTEMPTS = 3;

    /**
     * The version of the newest migration, under db/migration or {@link AssertionIdsMigration}'s;
     * a test checks they agree.
     */
    static final String SCHEMA_VERSION = "12";

    private final HikariDataSource pool;
    private final boolean sqlite;
    private final @Nullable Path sqliteFile;
    private final ChangeLog changes;

    private Database(HikariDataSource pool, boolean sqlite, @Nullable Path sqliteFile) {
        this.pool = pool;
        this.sqlite = sqlite;
        this.sqliteFile = sqliteFile;
        this.changes = new ChangeLog(sqlite);
    }

    /**
     * A connection of its own, outside the pool, for a session that lives as long as the server:
     * PostgreSQL's LISTEN belongs to one connection and must not go back to a pool.
     */
    public Connection dedicatedConnection() throws SQLException {
        java.util.Properties props = new java.util.Properties();
        if (pool.getUsername() != null) {
            props.setProperty("user", pool.getUsername());
        }
        if (pool.getPassword() != null) {
            props.setProperty("password", pool.getPassword());
        }
        return java.sql.DriverManager.getConnection(pool.getJdbcUrl(), props);
    }

    /** Opens the store the configuration names and brings its schema up to date. */
    public static Database open(ServerConfig config) {
        String url = config.storeUrl().orElse("jdbc:sqlite:" + config.dataDir().resolve("keycard.db"));
        return open(url, config.storeUser(), config.storePassword(), config.storePoolSize());
    }

    /** Opens the store at {@code url} and brings its schema up to date. */
    public static Database open(String url, String user, String password, int poolSize) {
        boolean sqlite = url.startsWith("jdbc:sqlite:");
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("keycard-store");
        hc.setInitializationFailTimeout(Duration.ofSeconds(10).toMillis());
        if (sqlite) {
            String file = url.substring("jdbc:sqlite:".length());
            createParent(file);
            restrict(file);
            SQLiteConfig sc = new SQLiteConfig();
            sc.setJournalMode(SQLiteConfig.JournalMode.WAL);
            sc.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            sc.enforceForeignKeys(true);
            sc.setBusyTimeout(5000);
            SQLiteDataSource ds = new SQLiteDataSource(sc);
            ds.setUrl(url);
            hc.setDataSource(ds);
            hc.setMaximumPoolSize(1);
            // One connection: a wait is a queue behind another writer, not an outage.
            hc.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
        } else {
            hc.setJdbcUrl(url);
            if (!user.isEmpty()) {
                hc.setUsername(user);
            }
            if (!password.isEmpty()) {
                hc.setPassword(password);
            }
            hc.setMaximumPoolSize(poolSize);
            hc.setMinimumIdle(1);
            // Said, not assumed: the admin changes lock a row, then read what others committed
            // (LastAdministrator counts after its write); a server default of REPEATABLE READ
            // would read an older snapshot.
            hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
            // A plan for each execution, made with the table's size at that moment. Keycard's
            // statements are short keyed reads and writes, planned in tens of microseconds; a
            // generic plan, which PostgreSQL otherwise keeps for a prepared statement (and for the
            // foreign-key checks of its triggers) after five executions, is made with the
            // statistics of that moment, and a plan made while a table was nearly empty scans it
            // until an ANALYZE: with autovacuum off, admin writes slowed from about 330 to under 60
            // a second as a registry grew to 76,000 clients (docs/benchmarks.md). PostgreSQL 12+.
            hc.setConnectionInitSql("SET plan_cache_mode = force_custom_plan");
            // While PostgreSQL answers, a connection is free or made within milliseconds; after 2 s
            // it is not answering, and the caller gets 503 with Retry-After rather than a hanging
            // admin call, revocation or readiness probe (docs/decisions.md, "Store outage").
            hc.setConnectionTimeout(Duration.ofSeconds(2).toMillis());
            hc.setValidationTimeout(Duration.ofSeconds(1).toMillis());
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the store at " + redact(url) + ": " + rootMessage(e), e);
        }
        try {
            if (!isCurrent(pool)) {
                Flyway.configure().dataSource(pool).locations("classpath:db/migration")
                        .javaMigrations(new AssertionIdsMigration()).loggers("slf4j").load().migrate();
            }
        } catch (RuntimeException e) {
            pool.close();
            throw new StoreException("cannot migrate the store at " + redact(url) + ": " + rootMessage(e), e);
        }
        LOG.info("store: {} ({})", sqlite ? "SQLite" : "PostgreSQL", redact(url));
        if (!sqlite && autovacuumOff(pool)) {
            LOG.warn("PostgreSQL runs with autovacuum off: the row versions Keycard's updates and deletes leave"
                    + " (last-used times, spent assertion ids, expired revocations) are never reclaimed, and the"
                    + " statistics its filtered lists are planned with never refreshed; turn autovacuum on, or run"
                    + " VACUUM ANALYZE regularly (docs/operations.md, PostgreSQL upkeep)");
        }
        return new Database(pool, sqlite, sqliteFile(url));
    }

    /** Whether PostgreSQL's autovacuum (which also keeps the planner's statistics) is off. */
    static boolean autovacuumOff(javax.sql.DataSource pool) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SHOW autovacuum")) {
            return rs.next() && "off".equals(rs.getString(1));
        } catch (SQLException e) {
            return false; // not known: nothing to say
        }
    }

    /**
     * Whether Flyway's history already ends at {@link #SCHEMA_VERSION}. Then Flyway is not
     * loaded at all: its start-up costs half a second, a third of a restart's start to first token.
     */
    private static boolean isCurrent(HikariDataSource pool) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success"
                     + " AND version IS NOT NULL ORDER BY installed_rank DESC")) {
            return rs.next() && SCHEMA_VERSION.equals(rs.getString(1));
        } catch (SQLException e) {
            return false; // no history table yet: a new store
        }
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
     * When PostgreSQL aborts the transaction to break a deadlock ({@code 40P01}) or a serialization
     * conflict ({@code 40001}), the whole transaction is run again, as PostgreSQL's manual asks
     * (§13.4, §13.3.4), with a short random pause, and tried at most {@value #ATTEMPTS} times in
     * all: {@code work} must therefore do nothing but talk to the store, or be safe to repeat.
     */
    public <T> T transaction(SqlWork<T> work) {
        return retried(work, false);
    }

    /**
     * Runs {@code work}, which writes with one statement, outside a transaction of its own making:
     * the statement commits alone, as it ends (PostgreSQL's implicit transaction). One round trip
     * fewer than {@link #transaction} (no {@code COMMIT}), for the writes that take one statement;
     * retried as {@link #transaction} is.
     */
    public <T> T autocommit(SqlWork<T> work) {
        return retried(work, true);
    }

    private <T> T retried(SqlWork<T> work, boolean autocommit) {
        for (int attempt = 1; ; attempt++) {
            try {
                return autocommit ? alone(work) : once(work);
            } catch (SQLException e) {
                if (attempt < ATTEMPTS && isTransient(e)) {
                    LOG.debug("transaction aborted by the store ({}); running it again", e.getSQLState());
                    pause(attempt);
                    continue;
                }
                throw new StoreException("store operation failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Runs {@code work}, which only reads, in one transaction that sees one snapshot of the store
     * throughout (REPEATABLE READ on PostgreSQL; a SQLite transaction always does): for reads
     * spread over several queries that must agree, such as the registry read at start.
     */
    public <T> T snapshot(SqlWork<T> work) {
        try {
            return once(work, true);
        } catch (SQLException e) {
            throw new StoreException("store operation failed: " + e.getMessage(), e);
        }
    }

    private <T> T alone(SqlWork<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(true);
            return work.run(c);
        }
    }

    private <T> T once(SqlWork<T> work) throws SQLException {
        return once(work, false);
    }

    private <T> T once(SqlWork<T> work, boolean snapshot) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            if (snapshot && !sqlite) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                }
            }
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** A deadlock or serialization failure: the transaction was rolled back and may simply be run again. */
    private static boolean isTransient(SQLException e) {
        return "40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 25L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the store answers a trivial query now. */
    public boolean ping() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** The log of changes, for writes to record theirs and nodes to follow them. */
    public ChangeLog changes() {
        return changes;
    }

    public boolean isSqlite() {
        return sqlite;
    }

    /** The SQLite database's file; empty on PostgreSQL and for an in-memory SQLite database. */
    public Optional<Path> sqliteFile() {
        return Optional.ofNullable(sqliteFile);
    }

    private static @Nullable Path sqliteFile(String url) {
        if (!url.startsWith("jdbc:sqlite:")) {
            return null;
        }
        String file = url.substring("jdbc:sqlite:".length());
        int query = file.indexOf('?');
        file = query < 0 ? file : file.substring(0, query);
        return file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:") ? null
                : Path.of(file).toAbsolutePath();
    }

    @Override
    public void close() {
        pool.close();
    }

    /** One unit of work on a connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private static void createParent(String file) {
        Path parent = Path.of(file).toAbsolutePath().getParent();
        if (parent != null && !file.startsWith(":memory:")) {
            try {
                PrivateFiles.createDirectories(parent);
            } catch (IOException e) {
                throw new StoreException("cannot create directory " + parent + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The database file and its companions 0600 before SQLite opens them: SQLite makes {@code -wal}
     * and {@code -shm} with the database file's mode, so a private database file keeps them
     * private too, whatever the umask; files left by an older Keycard are narrowed.
     */
    private static void restrict(String file) {
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:") || file.contains("?")) {
            return;
        }
        Path db = Path.of(file);
        try {
            PrivateFiles.restrict(db);
            for (String companion : new String[] {"-wal", "-shm", "-journal"}) {
                Path other = db.resolveSibling(db.getFileName() + companion);
                if (java.nio.file.Files.exists(other)) {
                    PrivateFiles.restrict(other);
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot make the store file " + db + " private: " + e.getMessage(), e);
        }
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
