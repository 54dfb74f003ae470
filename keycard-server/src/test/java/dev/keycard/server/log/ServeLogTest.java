package dev.keycard.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.cli.KeycardCommand;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keycard serve} in its own JVM, with the log settings given the way an operator gives them. */
class ServeLogTest {

    /** What a caller pasted where its client id belongs: it must reach no log line. */
    private static final String PASTED_SECRET = "kcs_cGFzdGVkLXdoZXJlLXRoZS1jbGllbnQtaWQtYmVsb25ncw";

    @TempDir
    Path dir;

    @Test
    void serveWhenLogFormatJsonThenEveryLineOnStandardErrorIsOneJsonObjectFromTheFirst() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // What the jar's manifest says, so the JVM does not warn on standard error about native code.
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), KeycardCommand.class.getName(), "serve",
                "--set", "http.port=0", "--data-dir", dir.resolve("data").toString(),
                "--set", "admin.client-id=" + TestServer.ADMIN_ID, "--set", "log.level=debug"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(dir.resolve("stderr").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("KEYCARD_"));
        builder.environment().put("KEYCARD_ADMIN_CLIENT_SECRET", TestServer.ADMIN_SECRET);
        builder.environment().put("KEYCARD_LOG_FORMAT", "json");
        Process server = builder.start();
        String accessToken;
        try {
            URI base = serving(server);
            Http http = new Http(base);
            assertEquals(401, http.token(PASTED_SECRET, "wrong", "grant_type", "client_credentials").statusCode());
            accessToken = http.adminToken();
        } finally {
            server.destroy(); // SIGTERM: the shutdown hook writes the queued audit events
            assertTrue(server.waitFor(60, TimeUnit.SECONDS), "stopped");
        }

        String stderr = Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
        List<JsonObject> lines = new ArrayList<>();
        for (String line : stderr.lines().toList()) {
            try {
                lines.add(new JsonObject(line));
            } catch (DecodeException e) {
                throw new AssertionError("not a JSON object: " + line + "\nin:\n" + stderr, e);
            }
        }
        assertTrue(lines.get(0).getString("logger").startsWith("dev.keycard."), "the first line is Keycard's, in JSON: " + stderr);
        for (JsonObject line : lines) {
            assertTrue(line.containsKey("time") && line.containsKey("level") && line.containsKey("message"), line.encode());
        }
        assertTrue(lines.stream().anyMatch(l -> l.getString("message").startsWith("Keycard ready")), stderr);
        assertTrue(lines.stream().anyMatch(l -> l.getString("level").equals("DEBUG")
                && l.getString("message").contains("unknown client_id [redacted]")), "log.level=debug applied: " + stderr);
        JsonObject audit = lines.stream().filter(l -> "keycard.audit".equals(l.getString("logger"))
                && "client.auth_failed".equals(l.getString("message"))).findFirst().orElseThrow(() -> new AssertionError(stderr));
        assertEquals("[redacted]", audit.getJsonObject("audit").getString("client_id"));
        assertEquals("unknown_client", audit.getJsonObject("audit").getString("reason"));
        for (String secret : List.of(PASTED_SECRET.substring(4), TestServer.ADMIN_SECRET.substring(4), accessToken)) {
            assertFalse(stderr.contains(secret), "a secret or token in the log: " + stderr);
        }
    }

    @Test
    void serveWhenLogFormatUnknownThenStartStopsNamingTheKey() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = KeycardCommand.run(System.out, System.err, "serve", "--set", "log.format=xml",
                    "--data-dir", dir.toString());
        } finally {
            System.setErr(saved);
        }
        assertEquals(2, code);
        assertEquals("keycard: configuration error: 'log.format' on the command line: must be text or json\n",
                err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(dir.resolve("keycard.db")), "nothing created on a bad start");
    }

    /** The base URI from {@code Keycard is serving at …} on standard output. */
    private static URI serving(Process server) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String prefix = "Keycard is serving at ";
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(prefix)) {
                Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> { })); // keep the pipe drained
                return URI.create(line.substring(prefix.length(), line.indexOf(' ', prefix.length())));
            }
        }
        throw new AssertionError("the server stopped before serving, exit " + server.waitFor());
    }
}
