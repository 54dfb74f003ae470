package dev.keycard.server.cli;

import dev.keycard.server.config.ConfigLoader;
import dev.keycard.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The server's configuration as {@code serve} and the commands that work on its store read it: a
 * properties file, {@code KEYCARD_…} environment variables and {@code --set key=value}, in rising
 * precedence (docs/configuration.md).
 */
final class ServerConfigOptions {

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

    /**
     * The configuration.
     *
     * @throws dev.keycard.server.config.ConfigException naming the key that is unknown or bad
     */
    ServerConfig load() {
        Map<String, String> overrides = new HashMap<>(settings);
        if (port != null) {
            overrides.put("http.port", port.toString());
        }
        if (dataDir != null) {
            overrides.put("data.dir", dataDir);
        }
        return ConfigLoader.load(configFile(), System.getenv(), overrides);
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
}
