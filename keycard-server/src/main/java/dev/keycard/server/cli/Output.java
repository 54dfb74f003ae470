package dev.keycard.server.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Where and how commands print: the command line's own writer, as JSON or through a table view. */
final class Output {

    private Output() {
    }

    /** The standard output of the command line {@code spec} belongs to. */
    static PrintWriter out(@Nullable CommandSpec spec) {
        return require(spec).commandLine().getOut();
    }

    /** The standard error of the command line {@code spec} belongs to. */
    static PrintWriter err(@Nullable CommandSpec spec) {
        return require(spec).commandLine().getErr();
    }

    /** Prints {@code answer} pretty as JSON, or through {@code view} for people. */
    static void print(@Nullable CommandSpec spec, boolean json, JsonObject answer, BiConsumer<PrintWriter, JsonObject> view) {
        if (json) {
            out(spec).println(answer.encodePrettily());
        } else {
            view.accept(out(spec), answer);
        }
    }

    /** The usage error of a command group run without one of its subcommands. */
    static ParameterException missingSubcommand(@Nullable CommandSpec spec) {
        return new ParameterException(require(spec).commandLine(), "Missing required subcommand");
    }

    private static CommandSpec require(@Nullable CommandSpec spec) {
        if (spec == null) {
            throw new IllegalStateException("picocli did not inject the command spec");
        }
        return spec;
    }
}
