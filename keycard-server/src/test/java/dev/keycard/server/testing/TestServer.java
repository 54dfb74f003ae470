package dev.keycard.server.testing;

import dev.keycard.server.KeycardServer;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.event.AuditSink;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * A real Keycard on a loopback port chosen by the OS, with its store in a test's directory. The
 * admin secret is fixed so that a restart on the same directory keeps working with it.
 */
public final class TestServer implements AutoCloseable {

    public static final String ADMIN_ID = "keycard-admin";
    public static final String ADMIN_SECRET = "kcs_test-admin-secret-0123456789abcdefghijkl";

    private final KeycardServer server;

    private TestServer(KeycardServer server) {
        this.server = server;
    }

    public static TestServer start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    public static TestServer start(Path dataDir, Map<String, String> settings) {
        return start(dataDir, settings, Clock.systemUTC());
    }

    public static TestServer start(Path dataDir, Map<String, String> settings, Clock clock) {
        return start(dataDir, settings, clock, AuditSink.log());
    }

    /** With audit events going to {@code audit} instead of the log, for tests that read them. */
    public static TestServer start(Path dataDir, Map<String, String> settings, Clock clock, AuditSink audit) {
        Map<String, String> all = new HashMap<>();
        all.put("http.port", "0");
        all.put("data.dir", dataDir.toString());
        all.put("admin.client-secret", ADMIN_SECRET);
        all.put("secret.last-used-flush", "1s");
        all.putAll(settings);
        try {
            return new TestServer(KeycardServer.start(ServerConfig.of(all), clock, audit));
        } catch (Exception e) {
            throw new IllegalStateException("Keycard did not start: " + e.getMessage(), e);
        }
    }

    public URI baseUri() {
        return server.baseUri();
    }

    /** Where health and metrics answer when {@code management.port} is set. */
    public URI managementUri() {
        return URI.create("http://" + baseUri().getHost() + ":" + server.managementPort().orElseThrow());
    }

    public String issuer() {
        return server.issuer();
    }

    public String adminClientId() {
        return ADMIN_ID;
    }

    public String adminClientSecret() {
        return ADMIN_SECRET;
    }

    public KeycardServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
