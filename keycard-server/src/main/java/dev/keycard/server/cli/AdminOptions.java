package dev.keycard.server.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of every admin command: the server, the output format and the admin client's
 * credentials. Each credential is taken from its flag, else its environment variable, else the
 * credentials file the server writes on its first start.
 */
final class AdminOptions {

    static final String ENV_ID = "KEYCARD_ADMIN_CLIENT_ID";
    static final String ENV_SECRET = "KEYCARD_ADMIN_CLIENT_SECRET";
    static final String DEFAULT_FILE = "data/admin-credentials.json";

    @Mixin
    private ServerOptions server;

    @Option(names = "--client-id", paramLabel = "ID",
            description = "The admin client's id (env " + ENV_ID + "; else the credentials file).")
    private @Nullable String clientId;

    @Option(names = "--client-secret", paramLabel = "SECRET",
            description = "The admin client's secret (env " + ENV_SECRET + "; else the credentials file). "
                    + "Prefer the variable or the file: a flag shows in the process list.")
    private @Nullable String clientSecret;

    @Option(names = "--credentials-file", paramLabel = "FILE", defaultValue = DEFAULT_FILE,
            description = "JSON file with client_id and client_secret (default " + DEFAULT_FILE + ").")
    private Path credentialsFile = Path.of(DEFAULT_FILE);

    AdminOptions() {
        this.server = new ServerOptions();
    }

    /** Opens an admin session with the resolved URL and credentials. */
    AdminHttp connect() {
        return new AdminHttp(server.client(), server.baseUrl(), credentials());
    }

    /** Whether to print the server's JSON rather than a table. */
    boolean json() {
        return server.json();
    }

    /** The admin credentials: flag, else environment, else file, each on its own. */
    ClientCredentials credentials() {
        String id = ClientCredentials.firstPresent(clientId, System.getenv(ENV_ID));
        String secret = ClientCredentials.firstPresent(clientSecret, System.getenv(ENV_SECRET));
        if ((id == null || secret == null) && Files.isRegularFile(credentialsFile)) {
            JsonObject file = readFile();
            id = ClientCredentials.firstPresent(id, file.getValue("client_id") instanceof String s ? s : null);
            secret = ClientCredentials.firstPresent(secret, file.getValue("client_secret") instanceof String s ? s : null);
        }
        if (id == null || secret == null) {
            throw new CliException(ExitCodes.USAGE, "error: no admin credentials: give --client-id and "
                    + "--client-secret, set " + ENV_ID + " and " + ENV_SECRET + ", or point "
                    + "--credentials-file at the server's admin-credentials.json (tried " + credentialsFile + ")");
        }
        return new ClientCredentials(id, secret);
    }

    private JsonObject readFile() {
        try {
            return new JsonObject(Files.readString(credentialsFile));
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "error: cannot read credentials file " + credentialsFile
                    + ": " + e.getClass().getSimpleName());
        } catch (DecodeException | ClassCastException e) {
            // The parser's message may quote the file, and the file holds the secret.
            throw new CliException(ExitCodes.USAGE, "error: credentials file " + credentialsFile
                    + " is not a JSON object");
        }
    }

    @Override
    public String toString() {
        return "AdminOptions[" + server + ", clientId=" + clientId + ", clientSecret="
                + (clientSecret == null ? "null" : "****") + ", credentialsFile=" + credentialsFile + "]";
    }
}
