package dev.keycard.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keycard keys list|rotate|remove} against a real server, and the admin API beneath them. */
class KeysCommandTest {

    @TempDir
    Path dir;

    private static AdminCli.Result keycard(TestServer server, String... args) {
        return AdminCli.run(server, args);
    }

    @Test
    void keysWhenListedRotatedAndRemovedThenTheLineOfKeysFollows() {
        try (TestServer server = TestServer.start(dir)) {
            AdminCli.Result list = keycard(server, "keys", "list");
            assertEquals(ExitCodes.OK, list.exitCode(), list.err());
            assertTrue(list.out().startsWith("KID"), list.out());
            assertTrue(list.out().contains("RS256  current"), list.out());

            AdminCli.Result rotated = keycard(server, "keys", "rotate", "--alg", "RS256", "--output", "json");
            assertEquals(ExitCodes.OK, rotated.exitCode(), rotated.err());
            JsonObject next = new JsonObject(rotated.out()).getJsonArray("items").getJsonObject(0);
            assertEquals("next", next.getString("status"));
            assertEquals("RS256", next.getString("alg"));

            JsonArray keys = new JsonObject(keycard(server, "keys", "list", "--output", "json").out()).getJsonArray("items");
            assertEquals(2, keys.size());
            assertEquals("current", keys.getJsonObject(0).getString("status"));
            assertEquals("next", keys.getJsonObject(1).getString("status"));
            assertEquals(next.getString("kid"), keys.getJsonObject(1).getString("kid"));

            AdminCli.Result removed = keycard(server, "keys", "remove", keys.getJsonObject(0).getString("kid"));
            assertEquals(ExitCodes.OK, removed.exitCode(), removed.err());
            assertTrue(removed.out().startsWith("removed signing key "), removed.out());
            JsonArray after = new JsonObject(keycard(server, "keys", "list", "--output", "json").out()).getJsonArray("items");
            assertEquals(2, after.size(), "the removed key is gone; a new one signs, the successor still waits");
            assertEquals("current", after.getJsonObject(0).getString("status"));
            assertEquals(next.getString("kid"), after.getJsonObject(1).getString("kid"));
            assertEquals(ExitCodes.NOT_FOUND, keycard(server, "keys", "remove", "no-such-kid").exitCode());
        }
    }

    @Test
    void rotateWhenAlgorithmUnknownOrUnusedThen400ProblemNamingTheField() {
        try (TestServer server = TestServer.start(dir)) {
            Http http = new Http(server.baseUri());
            for (String alg : new String[] {"HS256", "ES256"}) {
                HttpResponse<String> r = http.admin("POST", "/admin/v1/keys/rotate", new JsonObject().put("alg", alg));
                assertEquals(400, r.statusCode(), r.body());
                assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/problem+json"));
                assertTrue(r.body().contains("\"alg\""), r.body());
            }
            assertEquals(ExitCodes.REJECTED, keycard(server, "keys", "rotate", "--alg", "HS256").exitCode());
            assertEquals(401, http.send(http.request("/admin/v1/keys")).statusCode(), "the admin API needs its token");
        }
    }
}
