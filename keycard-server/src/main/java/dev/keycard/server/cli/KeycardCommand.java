package dev.keycard.server.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code keycard}: runs the server ({@code serve}) and manages it through the admin API
 * ({@code api}, {@code client}, {@code grant}), or gets a token for a client ({@code token}).
 * Exit codes are those of {@link ExitCodes}.
 */
@Command(name = "keycard", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        versionProvider = KeycardCommand.Version.class,
        description = "Keycard, an OAuth 2.0 client-credentials authorization server.",
        subcommands = {ServeCommand.class, ApiCommand.class, ClientCommand.class, GrantCommand.class, KeysCommand.class,
                ConsoleCommand.class,
                TrustCommand.class,
                TokenCommand.class, AdminCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK + ":success",
            ExitCodes.UNAVAILABLE + ":server or network error (HTTP 5xx, connection refused, timeout)",
            ExitCodes.USAGE + ":usage error (bad option or argument, missing credentials)",
            ExitCodes.NOT_FOUND + ":not found (HTTP 404)",
            ExitCodes.REJECTED + ":rejected (HTTP 400, 409, 413, 415; OAuth errors but invalid_client)",
            ExitCodes.DENIED + ":authentication or authorization failed (HTTP 401, 403; invalid_client)"})
public final class KeycardCommand implements Callable<Integer> {

    private static final String REDACTED = "****";

    @Spec
    private @Nullable CommandSpec spec;

    @Override
    public Integer call() {
        throw Output.missingSubcommand(spec);
    }

    /** Runs {@code keycard} and exits with its exit code. */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("serve")) {
            // The server starts without building the model of every admin command: picocli's
            // reflection over all of them costs ~0.4 s, a third of the start-to-first-token budget.
            System.exit(new CommandLine(new ServeCommand()).setCommandName("keycard serve")
                    .setExecutionExceptionHandler(KeycardCommand::onExecutionFailure)
                    .setParameterExceptionHandler(KeycardCommand::onUsageError)
                    .execute(Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * Runs {@code keycard} with the given streams instead of the process's, and without exiting.
     *
     * @return the exit code, one of {@link ExitCodes}
     */
    public static int run(PrintStream out, PrintStream err, String... args) {
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        try {
            return commandLine().setOut(outWriter).setErr(errWriter).execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    /** The command line with Keycard's error handling: messages, not stack traces, and no secrets. */
    static CommandLine commandLine() {
        return new CommandLine(new KeycardCommand())
                .setExecutionExceptionHandler(KeycardCommand::onExecutionFailure)
                .setParameterExceptionHandler(KeycardCommand::onUsageError);
    }

    private static int onExecutionFailure(Exception failure, CommandLine command, ParseResult parsed) {
        if (failure instanceof CliException e) {
            command.getErr().println(e.getMessage());
            return e.exitCode();
        }
        command.getErr().println("error: " + failure);
        return ExitCodes.UNAVAILABLE;
    }

    /**
     * picocli's usage error output, except that values given to {@code --client-secret} and
     * arguments that look like Keycard secrets are masked: picocli quotes what it could not match,
     * and a mistyped option name would otherwise print the secret after it.
     */
    private static int onUsageError(ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(command.getColorScheme().errorText(redact(String.valueOf(error.getMessage()), args)));
        if (!UnmatchedArgumentException.printSuggestions(error, err)) {
            command.usage(err, command.getColorScheme());
        }
        CommandSpec spec = command.getCommandSpec();
        return spec.exitCodeOnInvalidInput();
    }

    static String redact(String message, String[] args) {
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--client-secret") && i + 1 < args.length) {
                secrets.add(args[i + 1]);
            } else if (arg.startsWith("--client-secret=")) {
                secrets.add(arg.substring("--client-secret=".length()));
            } else if (arg.startsWith("kcs_")) {
                secrets.add(arg);
            }
        }
        String redacted = message;
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                redacted = redacted.replace(secret, REDACTED);
            }
        }
        return redacted;
    }

    /** The version from the jar's manifest, or {@code development} when run from classes. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = KeycardCommand.class.getPackage().getImplementationVersion();
            return new String[] {"keycard " + (version == null ? "development" : version)};
        }
    }
}
