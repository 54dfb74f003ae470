package dev.keycard.server.cli;

import dev.keycard.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

/** Runs the {@code keycard} command line in this JVM against a test server, as its admin client. */
final class AdminCli {

    record Result(int exitCode, String out, String err) {
    }

    private AdminCli() {
    }

    static Result run(TestServer server, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = Stream.concat(Stream.of(args), Stream.of("--url", server.baseUri().toString(),
                "--client-id", server.adminClientId(), "--client-secret", server.adminClientSecret())).toArray(String[]::new);
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = KeycardCommand.run(o, e, all);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
