package dev.keycard.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.registry.ClientSecret;
import dev.keycard.server.client.Secrets;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.Postgres;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On PostgreSQL an admin write on a client or API waits for another node's open transaction on
 * it, then decides on what that node committed. A second JDBC connection plays the other node: it
 * locks the row as a Keycard node does, changes it, and commits only once the admin call is seen
 * waiting for it ({@code pg_blocking_pids}). Deterministic, unlike {@link ConcurrentAdminContract}.
 */
class AdminRowLockTest {

    private static final String JOBS = "https://jobs.internal";

    @TempDir
    Path dir;
    private Postgres postgres;
    private TestServer server;
    private Http http;
    private String token;

    @BeforeEach
    void start() {
        postgres = Postgres.schema();
        server = TestServer.start(dir, Map.of("store.url", postgres.url()));
        http = new Http(server.baseUri());
        token = http.adminToken();
        http.createApi(JOBS, "RS256", "jobs:read", "jobs:write");
        http.createClient("worker", JOBS, "jobs:read");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void rotateWhenAnotherNodeRotatesMeanwhileThenWaitsAndAnswers409() throws Exception {
        String current = secrets().getJsonObject(0).getString("id");
        try (Connection other = otherNode("SELECT 1 FROM clients WHERE client_id = 'worker' FOR UPDATE")) {
            Instant now = Instant.now();
            ClientRepository clients = new ClientRepository();
            clients.expireSecret(other, current, now.plus(Duration.ofDays(1)));
            clients.insertSecret(other, "worker", new ClientSecret("sec_other_node", Secrets.digest("kcs_other"),
                    Secrets.hint("kcs_other"), now, null, null));

            CompletableFuture<HttpResponse<String>> rotation = call("POST", "/admin/v1/clients/worker/secrets/rotate",
                    new JsonObject());
            awaitWaitingFor(other, rotation);
            other.commit();
            HttpResponse<String> answer = rotation.get(10, TimeUnit.SECONDS);
            assertEquals(409, answer.statusCode(),
                    "the other node's rotation left two active secrets: " + answer.body());
        }
        assertEquals(2, secrets().stream().filter(s -> ((JsonObject) s).getBoolean("active")).count(),
                secrets().encode());
    }

    @Test
    void patchClientWhenAnotherNodeChangesItMeanwhileThenBothChangesAreKept() throws Exception {
        try (Connection other = otherNode("SELECT 1 FROM clients WHERE client_id = 'worker' FOR UPDATE")) {
            execute(other, "UPDATE clients SET name = 'renamed by the other node' WHERE client_id = 'worker'");

            CompletableFuture<HttpResponse<String>> patch = call("PATCH", "/admin/v1/clients/worker",
                    new JsonObject().put("enabled", false));
            awaitWaitingFor(other, patch);
            other.commit();
            assertEquals(200, patch.get(10, TimeUnit.SECONDS).statusCode());
        }
        JsonObject client = get("/admin/v1/clients/worker");
        assertEquals("renamed by the other node", client.getString("name"), "the other node's change was lost");
        assertFalse(client.getBoolean("enabled"));
    }

    @Test
    void patchApiWhenAnotherNodeChangesItMeanwhileThenBothChangesAreKept() throws Exception {
        try (Connection other = otherNode("SELECT 1 FROM apis WHERE identifier = '" + JOBS + "' FOR UPDATE")) {
            execute(other, "UPDATE apis SET token_lifetime_seconds = 120 WHERE identifier = '" + JOBS + "'");

            CompletableFuture<HttpResponse<String>> patch = call("PATCH", "/admin/v1/apis/" + Http.enc(JOBS),
                    new JsonObject().put("name", "Jobs"));
            awaitWaitingFor(other, patch);
            other.commit();
            assertEquals(200, patch.get(10, TimeUnit.SECONDS).statusCode());
        }
        JsonObject api = get("/admin/v1/apis/" + Http.enc(JOBS));
        assertEquals(120, api.getInteger("token_lifetime"), "the other node's change was lost");
        assertEquals("Jobs", api.getString("name"));
    }

    @Test
    void deleteGrantWhenAnotherNodeReplacesItMeanwhileThenTheReplacementIsDeleted() throws Exception {
        try (Connection other = otherNode("SELECT 1 FROM clients WHERE client_id = 'worker' FOR UPDATE")) {
            new ClientRepository().putGrant(other, "worker", JOBS, ScopeSet.of("jobs:write"));

            CompletableFuture<HttpResponse<String>> delete = call("DELETE",
                    "/admin/v1/clients/worker/grants/" + Http.enc(JOBS), null);
            awaitWaitingFor(other, delete);
            other.commit();
            HttpResponse<String> answer = delete.get(10, TimeUnit.SECONDS);
            assertEquals(204, answer.statusCode(), "the grant existed all along: " + answer.body());
        }
        assertEquals(new JsonArray(), get("/admin/v1/clients/worker").getJsonArray("grants"));
    }

    @Test
    void patchClientWhenAnotherNodeDeletedItMeanwhileThen404() throws Exception {
        try (Connection other = otherNode("SELECT 1 FROM clients WHERE client_id = 'worker' FOR UPDATE")) {
            execute(other, "DELETE FROM clients WHERE client_id = 'worker'");

            CompletableFuture<HttpResponse<String>> patch = call("PATCH", "/admin/v1/clients/worker",
                    new JsonObject().put("name", "too late"));
            awaitWaitingFor(other, patch);
            other.commit();
            HttpResponse<String> answer = patch.get(10, TimeUnit.SECONDS);
            assertEquals(404, answer.statusCode(), answer.body());
        }
    }

    /** A connection in a transaction that has run {@code lock}, as another node's admin write. */
    private Connection otherNode(String lock) throws SQLException {
        Connection c = DriverManager.getConnection(postgres.url());
        c.setAutoCommit(false);
        execute(c, lock);
        return c;
    }

    /**
     * Returns once a session waits for {@code other}'s transaction; fails if {@code call} is
     * answered first, i.e. without waiting for the other node.
     */
    private static void awaitWaitingFor(Connection other, CompletableFuture<HttpResponse<String>> call)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (PreparedStatement ps = other.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid))")) {
            while (System.nanoTime() < deadline) {
                if (call.isDone()) {
                    HttpResponse<String> r = call.get();
                    fail("answered " + r.statusCode() + " without waiting for the other node's transaction: "
                            + r.body());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(10);
            }
        }
        fail("no session waited for the other node's transaction within 10 s");
    }

    private CompletableFuture<HttpResponse<String>> call(String method, String path, JsonObject body) {
        // A thread of its own: the common pool may have a single thread on a small machine.
        return CompletableFuture.supplyAsync(() -> http.admin(token, method, path, body),
                r -> Thread.ofPlatform().daemon().start(r));
    }

    private JsonObject get(String path) {
        HttpResponse<String> r = http.send(http.request(path).header("Authorization", "Bearer " + token).GET());
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    private JsonArray secrets() {
        return get("/admin/v1/clients/worker").getJsonArray("secrets");
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        }
    }
}
