package dev.keycard.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.registry.Client;
import dev.keycard.server.store.Database;
import dev.keycard.server.testing.Eventually;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.Postgres;
import dev.keycard.server.testing.Seed;
import dev.keycard.server.testing.TcpProxy;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL with 100,000 clients: a change made through one is served by the
 * other within 1 s, and a node cut off from the store while 1,000 changes are made catches up
 * from the change log, rereading those and nothing else (no full reread; the clients that did not
 * change stay the very objects they were).
 */
class ClusterAtScaleTest {

    private static final String JOBS = "https://jobs.internal";
    private static final String MASTER_KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final Pattern AUTHORITY = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?/");
    private static final int CLIENTS = 100_000;

    @TempDir
    Path dir1;
    @TempDir
    Path dir2;

    @Test
    void changeWhen100000ClientsThenOtherNodeServesItWithin1sAndACutOffNodeCatchesUpFromTheLog() throws Exception {
        try (Postgres pg = Postgres.schema()) {
            try (Database migrated = Database.open(pg.url(), "", "", 2)) {
                assertTrue(migrated.ping());
            }
            Seed.api(pg.url(), JOBS, "jobs:read");
            Seed.clients(pg.url(), "seed-", CLIENTS, JOBS, "jobs:read");
            Matcher m = AUTHORITY.matcher(pg.url());
            assertTrue(m.find(), pg.url());
            Map<String, String> shared = Map.of("master-key", MASTER_KEY, "issuer", "https://keycard.internal");
            try (TcpProxy proxy = TcpProxy.to(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
                 TestServer node1 = TestServer.start(dir1, with(shared, pg.url()));
                 TestServer node2 = TestServer.start(dir2, with(shared,
                         m.replaceFirst("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/")))) {
                Http h1 = new Http(node1.baseUri());
                Http h2 = new Http(node2.baseUri());
                assertEquals(CLIENTS + 1, node2.server().registry().clientCount(), "the seeded clients and the admin");
                assertEquals(200, h2.token("seed-099999", Seed.SECRET, "grant_type", "client_credentials").statusCode());

                // A new client and a disabled one, through node 1: node 2 serves both within 1 s.
                String secret = h1.createClient("fresh", JOBS, "jobs:read").getString("client_secret");
                assertTrue(Eventually.within(Duration.ofSeconds(1), () ->
                        h2.token("fresh", secret, "grant_type", "client_credentials").statusCode() == 200),
                        "node 2 issues to a client created through node 1 within 1 s");
                assertEquals(200, h1.admin("POST", "/admin/v1/clients/seed-050000/disable", new JsonObject())
                        .statusCode());
                assertTrue(Eventually.within(Duration.ofSeconds(1), () ->
                        h2.token("seed-050000", Seed.SECRET, "grant_type", "client_credentials").statusCode() == 401),
                        "node 2 refuses a client disabled through node 1 within 1 s");

                Client untouched = node2.server().registry().client("seed-000001").orElseThrow();
                proxy.cut();
                String token = h1.adminToken();
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<Integer>> made = new ArrayList<>();
                    for (int i = 0; i < 1_000; i++) {
                        String id = String.format("late-%04d", i);
                        made.add(pool.submit(() -> h1.admin(token, "POST", "/admin/v1/clients",
                                new JsonObject().put("client_id", id).put("name", id)).statusCode()));
                    }
                    for (Future<Integer> f : made) {
                        assertEquals(201, f.get());
                    }
                } finally {
                    pool.shutdown();
                }
                proxy.restore();

                assertTrue(Eventually.within(Duration.ofSeconds(30), () ->
                        node2.server().registry().client("late-0999").isPresent()
                                && node2.server().registry().client("late-0000").isPresent()),
                        "node 2 catches up after reconnecting");
                assertEquals(CLIENTS + 1 + 1 + 1_000, node2.server().registry().clientCount());
                assertEquals(0, node2.server().changeFeed().fullReads(), "no full reread");
                assertSame(untouched, node2.server().registry().client("seed-000001").orElseThrow(),
                        "a client that did not change is not reread");
            }
        }
    }

    private static Map<String, String> with(Map<String, String> shared, String url) {
        Map<String, String> settings = new java.util.HashMap<>(shared);
        settings.put("store.url", url);
        return settings;
    }
}
