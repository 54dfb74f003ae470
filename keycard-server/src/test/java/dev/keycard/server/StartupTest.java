package dev.keycard.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.cli.KeycardCommand;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.testing.Http;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** First start, later starts, health, and starts that must fail. */
class StartupTest {

    @TempDir
    Path dir;

    static ServerConfig config(Path dir, Map<String, String> more) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("http.port", "0", "data.dir", dir.toString()));
        all.putAll(more);
        return ServerConfig.of(all);
    }

    @Test
    void firstStartWhenNoSecretConfiguredThenGeneratedOnceAndWorks() throws Exception {
        String secret;
        try (KeycardServer server = KeycardServer.start(config(dir, Map.of()))) {
            secret = server.createdAdmin().orElseThrow().generatedSecret().orElseThrow();
            assertTrue(secret.startsWith("kcs_"));
            assertEquals(200, new Http(server.baseUri()).token("keycard-admin", secret, "grant_type",
                    "client_credentials").statusCode());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("master.key"))));
        }
        try (KeycardServer again = KeycardServer.start(config(dir, Map.of()))) {
            assertTrue(again.createdAdmin().isEmpty(), "only the first start creates the admin client");
            assertEquals(200, new Http(again.baseUri()).token("keycard-admin", secret, "grant_type",
                    "client_credentials").statusCode());
        }
    }

    @Test
    void firstStartWhenServeThenCredentialsFileIsPrivateAndSecretPrintedOnce() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (KeycardServer server = KeycardServer.start(config(dir, Map.of()))) {
            dev.keycard.server.cli.ServeCommand.announce(new java.io.PrintWriter(out, true, StandardCharsets.UTF_8),
                    new java.io.PrintWriter(System.err, true), config(dir, Map.of()), server.createdAdmin().orElseThrow());
            String secret = server.createdAdmin().orElseThrow().generatedSecret().orElseThrow();
            Path file = dir.resolve("admin-credentials.json");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals(secret, new JsonObject(Files.readString(file)).getString("client_secret"));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains(secret));
        }
    }

    @Test
    void healthWhenStartedThenLiveAndReady() throws Exception {
        try (KeycardServer server = KeycardServer.start(config(dir, Map.of()))) {
            Http http = new Http(server.baseUri());
            assertEquals("{\"status\":\"UP\"}", http.get("/health/live").body());
            assertEquals(200, http.get("/health/ready").statusCode());
            assertEquals("{\"status\":\"UP\"}", http.get("/health/ready").body());
        }
    }

    @Test
    void startWhenMasterKeyWrongThenFailsNamingIt() throws Exception {
        try (KeycardServer server = KeycardServer.start(config(dir, Map.of()))) {
            assertTrue(server.port() > 0);
        }
        Files.writeString(dir.resolve("master.key"), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KeycardServer.start(config(dir, Map.of())));
        assertTrue(e.getMessage().contains("master key"), e.getMessage());
    }

    @Test
    void serveWhenConfigurationBadThenExit2NamingTheKey() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = KeycardCommand.run(System.out, System.err, "serve", "--set", "http.port=99999",
                    "--data-dir", dir.toString());
        } finally {
            System.setErr(saved);
        }
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'http.port'"), err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(dir.resolve("keycard.db")), "nothing created on a bad start");
    }
}
