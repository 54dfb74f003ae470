package dev.keycard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.cli.KeycardCommand;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.testing.Http;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupted first start does not lock the operator out: the admin credentials are saved
 * before the admin client is committed, and {@code keycard admin reset-credentials} gives a way
 * back in to whoever holds the data directory.
 */
class FirstStartTest {

    @TempDir
    Path dir;

    /** Runs {@code keycard args…}; what it printed to standard output and error, and its exit code. */
    record Run(int code, String out, String err) {
    }

    static Run keycard(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = KeycardCommand.run(System.out, System.err, args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static JsonObject credentials(Path dir) throws Exception {
        Path file = dir.resolve("admin-credentials.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        return new JsonObject(Files.readString(file));
    }

    static int adminToken(KeycardServer server, String id, String secret) {
        return new Http(server.baseUri()).token(id, secret, "grant_type", "client_credentials").statusCode();
    }

    @Test
    void firstStartWhenThePortIsTakenThenItFailsSayingSoAndTheSavedCredentialsWorkNextTime() throws Exception {
        Run failed;
        int port;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = taken.getLocalPort();
            failed = keycard("serve", "--port", String.valueOf(port), "--data-dir", dir.toString());
        }
        assertEquals(1, failed.code(), failed.err());
        assertTrue(failed.err().contains("port " + port + " on 127.0.0.1 is already in use")
                    && failed.err().contains("--port"), failed.err());
        JsonObject saved = credentials(dir);
        assertTrue(failed.out().contains(saved.getString("client_secret")), "shown as well as saved");

        try (KeycardServer next = KeycardServer.start(ServerConfig.of(Map.of("http.port", "0",
                "data.dir", dir.toString())))) {
            assertTrue(next.createdAdmin().isEmpty(), "the first start made the admin client");
            assertEquals(200, adminToken(next, saved.getString("client_id"), saved.getString("client_secret")));
        }
    }

    @Test
    void serveWhenAnotherServerServesTheSameSqliteFileThenItsStartFailsNamingTheJournal() throws Exception {
        try (KeycardServer first = KeycardServer.start(ServerConfig.of(Map.of("http.port", "0",
                "data.dir", dir.toString())))) {
            Run second = keycard("serve", "--port", "0", "--data-dir", dir.toString());
            assertEquals(1, second.code(), second.err());
            assertTrue(second.err().contains("another Keycard process uses this SQLite store")
                    && second.err().contains(dir.resolve("keycard.db-jti.0").toString()), second.err());
            var admin = first.createdAdmin().orElseThrow();
            assertEquals(200, adminToken(first, admin.clientId(), admin.generatedSecret().orElseThrow()),
                    "the first one goes on");
        }
    }

    @Test
    void resetCredentialsWhenTheFileIsLostThenANewSecretWorksAndTheOldOneAndItsTokensDoNot() throws Exception {
        ServerConfig config = ServerConfig.of(Map.of("http.port", "0", "data.dir", dir.toString()));
        String oldSecret;
        String oldToken;
        try (KeycardServer first = KeycardServer.start(config)) {
            oldSecret = first.createdAdmin().orElseThrow().generatedSecret().orElseThrow();
            oldToken = new Http(first.baseUri()).accessToken("keycard-admin", oldSecret, "grant_type",
                    "client_credentials");
        }
        assertFalse(Files.exists(dir.resolve("admin-credentials.json")), "a first start outside serve saves nothing");

        Run reset = keycard("admin", "reset-credentials", "--data-dir", dir.toString());
        assertEquals(0, reset.code(), reset.err());
        JsonObject saved = credentials(dir);
        String secret = saved.getString("client_secret");
        assertTrue(reset.out().contains(secret), reset.out());
        assertTrue(reset.out().contains("restart"), reset.out());

        try (KeycardServer next = KeycardServer.start(config)) {
            Http http = new Http(next.baseUri());
            assertEquals(401, adminToken(next, "keycard-admin", oldSecret));
            assertEquals(401, http.admin(oldToken, "GET", "/admin/v1/apis", null).statusCode(), "old tokens revoked");
            Thread.sleep(1_050 - System.currentTimeMillis() % 1_000); // past the revocation's own second
            String token = http.accessToken("keycard-admin", secret, "grant_type", "client_credentials");
            assertEquals(200, http.admin(token, "GET", "/admin/v1/apis", null).statusCode());
        }
    }

    @Test
    void resetCredentialsWhenConfigurationIsBadThenExit2NamingTheKey() {
        Run bad = keycard("admin", "reset-credentials", "--data-dir", dir.toString(), "--set", "no.such=1");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("'no.such'"), bad.err());
    }
}
