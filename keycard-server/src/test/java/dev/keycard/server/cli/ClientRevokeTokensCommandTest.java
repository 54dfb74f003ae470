package dev.keycard.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keycard client revoke-tokens} against a real server, with introspection as the witness. */
class ClientRevokeTokensCommandTest {

    static final String JOBS = "https://jobs.internal";

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock();

    private static AdminCli.Result keycard(TestServer server, String... args) {
        return AdminCli.run(server, args);
    }

    private static boolean active(Http http, String id, String secret, String token) {
        return new JsonObject(http.send(http.request("/oauth2/introspect")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", Http.basic(id, secret))
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("token", token)))).body()).getBoolean("active");
    }

    @Test
    void revokeTokensWhenClientExistsThenPrintsRevokedBeforeAndItsTokensAreInactive() {
        try (TestServer server = TestServer.start(dir, Map.of(), clock)) {
            Http http = new Http(server.baseUri());
            http.createApi(JOBS, "RS256", "jobs:read");
            String secret = http.createClient("worker", JOBS, "jobs:read").getString("client_secret");
            String token = http.accessToken("worker", secret, "grant_type", "client_credentials");

            AdminCli.Result table = keycard(server, "client", "revoke-tokens", "worker");

            assertEquals(ExitCodes.OK, table.exitCode(), table.err());
            String when = clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
            assertEquals("client_id:       worker" + System.lineSeparator()
                    + "revoked_before:  " + when + System.lineSeparator(), table.out());
            assertEquals(false, active(http, "worker", secret, token));

            AdminCli.Result json = keycard(server, "client", "revoke-tokens", "worker", "--output", "json");
            assertEquals(ExitCodes.OK, json.exitCode(), json.err());
            assertEquals(new JsonObject().put("client_id", "worker").put("revoked_before", when), new JsonObject(json.out()));
        }
    }

    @Test
    void revokeTokensWhenClientUnknownThenExitsNotFound() {
        try (TestServer server = TestServer.start(dir, Map.of(), clock)) {
            AdminCli.Result r = keycard(server, "client", "revoke-tokens", "nobody");

            assertEquals(ExitCodes.NOT_FOUND, r.exitCode(), r.err());
            assertEquals("error: Not found: no client with client_id nobody" + System.lineSeparator(), r.err());
            assertEquals("", r.out());
        }
    }
}
