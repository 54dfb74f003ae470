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
}
