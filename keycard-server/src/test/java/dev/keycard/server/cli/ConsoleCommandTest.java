package dev.keycard.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.console.ConsoleHttpTest;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keycard console}: a one-time sign-in link from the admin credentials, which signs in once. */
class ConsoleCommandTest {

    @TempDir
    Path dir;

    @Test
    void consoleWhenEnabledThenPrintsALinkThatSignsInOnce() {
        try (TestServer server = TestServer.start(dir, Map.of("console.enabled", "true"))) {
            AdminCli.Result made = AdminCli.run(server, "console");
            assertEquals(ExitCodes.OK, made.exitCode(), made.err());
            String url = made.out().strip();
            assertTrue(url.contains("/console/sign-in?token="), url);
            assertTrue(made.err().contains("within 60 seconds"), made.err());
            Http http = new Http(server.baseUri());
            HttpResponse<String> first = ConsoleHttpTest.open(http, url);
            assertEquals(303, first.statusCode());
            assertTrue(first.headers().firstValue("Set-Cookie").orElse("").startsWith("keycard_console="));
            assertEquals(401, ConsoleHttpTest.open(http, url).statusCode());
        }
    }

    @Test
    void consoleWhenOffThenNotFoundNamingTheSetting() {
        try (TestServer server = TestServer.start(dir)) {
            AdminCli.Result refused = AdminCli.run(server, "console");
            assertEquals(ExitCodes.NOT_FOUND, refused.exitCode());
            assertTrue(refused.err().contains("console.enabled"), refused.err());
        }
    }
}
