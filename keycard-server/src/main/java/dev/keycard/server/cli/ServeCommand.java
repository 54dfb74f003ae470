package dev.keycard.server.cli;

import dev.keycard.server.KeycardServer;
import dev.keycard.server.admin.Bootstrap;
import dev.keycard.server.config.ConfigException;
import dev.keycard.server.config.PrivateFiles;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.event.AuditSink;
import dev.keycard.server.log.Logging;
import dev.keycard.server.store.StoreException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code keycard serve}: runs the authorization server until it is stopped. Configuration comes
 * from a properties file, {@code KEYCARD_…} environment variables and {@code --set key=value},
 * in rising precedence (docs/configuration.md). On the first start it prints the admin client's
 * credentials once and saves them, mode 0600, for the CLI.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the Keycard server.")
public final class ServeCommand implements Callable<Integer> {

    /** Where the first start saves the admin credentials, relative to the data directory. */
    public static final String CREDENTIALS_FILE = "admin-credentials.json";

    @Mixin
    private ServerConfigOptions options = new ServerConfigOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        ServerConfig cfg;
        KeycardServer server;
        boolean[] created = {false};
        try {
            cfg = options.load();
            // Before the server's first record, so every line has the format asked for.
            Logging.configure(cfg.logFormat(), cfg.logLevel());
            ServerConfig config = cfg;
            // The admin secret is saved and shown before the admin client is committed: a start
            // that fails later (the port is taken, the process is killed) leaves no locked door.
            server = KeycardServer.start(cfg, Clock.systemUTC(), AuditSink.log(), admin -> {
                announce(out, err, config, admin);
                created[0] = true;
            });
        } catch (ConfigException e) {
            err.println("keycard: configuration error: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (Exception e) {
            err.println("keycard: cannot start: " + reason(e, options));
            if (created[0]) {
                err.println("keycard: if the admin client was saved before that, its credentials shown above work"
                        + " on the next start; if not, the next start makes it again");
            }
            return ExitCodes.UNAVAILABLE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "keycard-shutdown"));
        out.println("Keycard is serving at " + server.baseUri() + " (Ctrl-C stops it)");
        stopped.await();
        return ExitCodes.OK;
    }

    /** Why the start failed, in words: a port in use says which and what to do. */
    private static String reason(Exception e, ServerConfigOptions options) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                ServerConfig cfg = options.load();
                String where = cfg.managementPort().isPresent() ? "port " + cfg.port() + " (or management.port "
                        + cfg.managementPort().getAsInt() + ")" : "port " + cfg.port();
                return where + " on " + cfg.host() + " is already in use (" + t.getMessage() + "); stop what holds it"
                        + " or pick another with --port PORT (or --set http.port=PORT)";
            }
        }
        if (e instanceof StoreException || e instanceof IllegalStateException) {
            return String.valueOf(e.getMessage());
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }

    /**
     * Shows the generated admin secret this once, on the console (never the log), and saves it for
     * the CLI, mode 0600, before it is committed.
     */
    public static void announce(PrintWriter out, PrintWriter err, ServerConfig cfg, Bootstrap.AdminCredentials admin) {
        if (admin.generatedSecret().isEmpty()) {
            out.println("Created the admin client '" + admin.clientId() + "' with the secret from admin.client-secret.");
            out.flush();
            return;
        }
        Path file = cfg.dataDir().resolve(CREDENTIALS_FILE);
        String json = new JsonObject().put("client_id", admin.clientId())
                .put("client_secret", admin.generatedSecret().get()).encodePrettily();
        try {
            PrivateFiles.write(file, json + "\n", true);
        } catch (IOException e) {
            err.println("keycard: could not save the admin credentials to " + file + ": " + e.getMessage());
            err.flush();
        }
        out.println();
        out.println("  The admin client's secret is shown this once:");
        out.println("    client_id:     " + admin.clientId());
        out.println("    client_secret: " + admin.generatedSecret().get());
        out.println("  Saved to " + file + " (mode 0600); the keycard CLI reads it from there.");
        out.println();
        out.flush();
    }
}
