package dev.keycard.server.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded default: a real SQLite file in WAL mode. */
class SqliteStoreTest extends StoreContract {

    @TempDir
    Path dir;

    @Override
    Database open() {
        return reopen();
    }

    @Override
    Database reopen() {
        return Database.open("jdbc:sqlite:" + dir.resolve("store/keycard.db"), "", "", 1);
    }

    @Test
    void openWhenDirectoryMissingThenCreatedWithWalFile() {
        assertTrue(db.isSqlite());
        tx(c -> { apis.insert(c, api(JOBS, "jobs:read")); return null; });
        assertTrue(Files.exists(dir.resolve("store/keycard.db")));
        assertTrue(Files.exists(dir.resolve("store/keycard.db-wal")), "WAL journal in use");
    }

    @Test
    void schemaVersionWhenComparedToMigrationsThenNewest() throws Exception {
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            int newest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
            newest = Math.max(newest, Integer.parseInt(new AssertionIdsMigration().getVersion().getVersion()));
            org.junit.jupiter.api.Assertions.assertEquals(String.valueOf(newest), Database.SCHEMA_VERSION,
                    "Database.SCHEMA_VERSION must name the newest migration, or restarts skip it");
        }
    }
}
