package dev.keycard.server.cli;

import dev.keycard.server.KeycardServer;
import dev.keycard.server.admin.Bootstrap;
import dev.keycard.server.config.ConfigException;
import dev.keycard.server.config.ConfigLoader;
import dev.keycard.server.config.PrivateFiles;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.log.Logging;
import dev.keycard.server.store.StoreException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    @Option(names = "--config", paramLabel = "FILE",
            description = "A properties file (env KEYCARD_CONFIG; default ./keycard.properties when it exists).")
    private @Nullable Path config;

    @Option(names = "--port", paramLabel = "PORT", description = "Same as --set http.port=PORT.")
    private @Nullable Integer port;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Same as --set data.dir=DIR.")
    private @Nullable String dataDir;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Set any configuration key (see docs/configuration.md); repeatable.")
    private Map<String, String> settings = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Map<String, String> overrides = new HashMap<>(settings);
        if (port != null) {
            overrides.put("http.port", port.toString());
        }
        if (dataDir != null) {
            overrides.put("data.dir", dataDir);
        }
        ServerConfig cfg;
        KeycardServer server;
        try {
            cfg = ConfigLoader.load(configFile(), System.getenv(), overrides);
            // Before the server's first record, so every line has the format asked for.
            Logging.configure(cfg.logFormat(), cfg.logLevel());
            server = KeycardServer.start(cfg);
        } catch (ConfigException e) {
            err.println("keycard: configuration error: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (StoreException | IllegalStateException e) {
            err.println("keycard: cannot start: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
        server.createdAdmin().ifPresent(admin -> announce(out, err, cfg, admin));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "keycard-shutdown"));
        out.println("Keycard is serving at " + server.baseUri() + " (Ctrl-C stops it)");
        stopped.await();
        return ExitCodes.OK;
    }

    private Optional<Path> configFile() {
        if (config != null) {
            return Optional.of(config);
        }
        String env = System.getenv("KEYCARD_CONFIG");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env));
        }
        Path local = Path.of("keycard.properties");
        return Files.exists(local) ? Optional.of(local) : Optional.empty();
    }

    /** Shows the generated admin secret this once, on the console (never the log), and saves it for the CLI. */
    public static void announce(PrintStream out, PrintStream err, ServerConfig cfg, Bootstrap.AdminCredentials admin) {
        if (admin.generatedSecret().isEmpty()) {
            out.println("Created the admin client '" + admin.clientId() + "' with the secret from admin.client-secret.");
            return;
        }
        Path file = cfg.dataDir().resolve(CREDENTIALS_FILE);
        String json = new JsonObject().put("client_id", admin.clientId())
                .put("client_secret", admin.generatedSecret().get()).encodePrettily();
        try {
            PrivateFiles.write(file, json + "\n", true);
        } catch (IOException e) {
            err.println("keycard: could not save the admin credentials to " + file + ": " + e.getMessage());
        }
        out.println();
        out.println("  Keycard created its admin client. The secret is shown this once:");
        out.println("    client_id:     " + admin.clientId());
        out.println("    client_secret: " + admin.generatedSecret().get());
        out.println("  Saved to " + file + " (mode 0600); the keycard CLI reads it from there.");
        out.println();
    }
}
