package dev.keycard.server.cli;

import dev.keycard.server.admin.AdminRecovery;
import dev.keycard.server.client.Secrets;
import dev.keycard.server.config.ConfigException;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.StoreException;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code keycard admin}: what an operator does with the server's own store rather than through
 * the admin API, for when the admin API cannot be reached with the credentials at hand.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Work on the server's store directly (needs the data directory or the database).",
        subcommands = AdminCommand.ResetCredentials.class)
final class AdminCommand implements Callable<Integer> {

    @Spec
    private @Nullable CommandSpec spec;

    @Override
    public Integer call() {
        throw Output.missingSubcommand(spec);
    }

    /** {@code keycard admin reset-credentials}: a new secret for the admin client. */
    @Command(name = "reset-credentials", mixinStandardHelpOptions = true,
            description = {"Give the admin client (admin.client-id) a new secret, shown once and saved to"
                    + " {data.dir}/admin-credentials.json (mode 0600). Its other secrets are deleted and its"
                    + " tokens revoked; it is enabled and given keycard:admin again.",
                "Reads the same configuration as serve. Nodes on PostgreSQL take the change at once; a"
                    + " server on SQLite takes it when it next starts, so stop it first or restart it after."})
    static final class ResetCredentials implements Callable<Integer> {

        @Mixin
        private ServerConfigOptions options = new ServerConfigOptions();

        @Spec
        private @Nullable CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = Output.out(spec);
            PrintWriter err = spec == null ? new PrintWriter(System.err, true) : spec.commandLine().getErr();
            ServerConfig config;
            try {
                config = options.load();
            } catch (ConfigException e) {
                throw new CliException(ExitCodes.USAGE, "keycard: configuration error: " + e.getMessage());
            }
            try (Database db = Database.open(config)) {
                AdminRecovery.resetCredentials(db, config,
                        new Secrets(new SecureRandom()), Clock.systemUTC(),
                        creds -> ServeCommand.announce(out, err, config, creds));
                if (db.isSqlite()) {
                    out.println("A Keycard running on this store reads the new secret when it next starts:"
                            + " restart it.");
                }
                out.flush();
                return ExitCodes.OK;
            } catch (StoreException e) {
                throw new CliException(ExitCodes.UNAVAILABLE, "keycard: cannot reach the store: " + e.getMessage());
            }
        }
    }
}
