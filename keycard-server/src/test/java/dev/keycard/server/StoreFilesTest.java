package dev.keycard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The SQLite store's files are the owner's alone, whatever the umask, and an open data directory is named. */
class StoreFilesTest {

    private static final List<String> STORE_FILES = List.of("keycard.db", "keycard.db-wal", "keycard.db-shm");

    @TempDir
    Path dir;

    static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void storeFilesWhenCreatedThenMode0600() throws Exception {
        Path data = dir.resolve("data");
        try (TestServer server = TestServer.start(data)) {
            new Http(server.baseUri()).createApi("https://jobs.internal", "ES256", "jobs:read"); // a write: the WAL grows
            for (String name : STORE_FILES) {
                assertTrue(Files.exists(data.resolve(name)), name);
                assertEquals("rw-------", mode(data.resolve(name)), name);
            }
        }
    }

    @Test
    void storeFilesWhenLeftOpenByAnOlderStartThenNarrowedTo0600() throws Exception {
        Path data = dir.resolve("data");
        Path saved = Files.createDirectory(dir.resolve("saved"));
        try (TestServer server = TestServer.start(data)) {
            new Http(server.baseUri()).createApi("https://jobs.internal", "ES256", "jobs:read");
            for (String name : STORE_FILES) { // as a process killed now would leave them
                Files.copy(data.resolve(name), saved.resolve(name));
            }
        }
        for (String name : STORE_FILES) { // an older Keycard's files, open to all
            Files.copy(saved.resolve(name), data.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(data.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
        }
        try (TestServer server = TestServer.start(data)) {
            for (String name : STORE_FILES) {
                assertEquals("rw-------", mode(data.resolve(name)), name);
            }
            assertEquals(200, new Http(server.baseUri()).admin("GET", "/admin/v1/apis/https%3A%2F%2Fjobs.internal", null)
                    .statusCode(), "the store read back");
        }
    }

    @Test
    void dataDirectoryWhenOpenToOthersThenAWarningNamesItAndItsMode() throws Exception {
        Path data = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Logger logger = (Logger) LoggerFactory.getLogger(KeycardServer.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try (TestServer ignored = TestServer.start(data)) {
            List<String> warnings = lines.list.stream().filter(e -> e.getLevel().toString().equals("WARN"))
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertTrue(warnings.stream().anyMatch(w -> w.contains(data.toAbsolutePath().toString())
                    && w.contains("rwxr-xr-x") && w.contains("chmod 700")), warnings.toString());
        } finally {
            logger.detachAppender(lines);
        }
    }
}
