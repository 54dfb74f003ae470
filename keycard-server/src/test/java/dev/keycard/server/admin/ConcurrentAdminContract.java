package dev.keycard.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admin calls racing on one client or API over loopback HTTP: every change is kept and the limit
 * of two active secrets holds. On PostgreSQL the calls run at once on several connections, as on
 * several nodes, and these fail without the row lock each admin write takes first
 * (docs/decisions.md, "Registry and store"); on SQLite one connection serializes them, and they
 * show the lock is harmless there. {@link AdminRowLockTest} shows each case deterministically.
 */
abstract class ConcurrentAdminContract {

    static final String JOBS = "https://jobs.internal";
    static final String REPORTS = "https://reports.internal";
    static final String PATCHED = "https://patched.internal";
    static final int THREADS = 16;
    static final int ROUNDS = 10;

    @TempDir
    Path dir;
    private TestServer server;
    private Http http;
    private String token;
    private ExecutorService pool;

    /** Settings naming a fresh, empty store of this engine. */
    abstract Map<String, String> store();

    /** Called after the server stopped: drops what {@link #store()} made. */
    void dropStore() {
    }

    @BeforeEach
    void start() {
        server = TestServer.start(dir, store());
        http = new Http(server.baseUri());
        token = http.adminToken();
        http.createApi(JOBS, "RS256", "jobs:read", "jobs:write");
        http.createApi(REPORTS, "RS256", "reports:read");
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
        dropStore();
    }

    @Test
    void rotateWhen16AtOnceThenOneSucceedsAndTwoSecretsAreActive() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String path = "/admin/v1/clients/rotating-" + round;
            http.createClient("rotating-" + round, JOBS, "jobs:read");
            List<HttpResponse<String>> answers = race(THREADS,
                    i -> admin("POST", path + "/secrets/rotate", new JsonObject()));
            assertEquals(Map.of(201, 1L, 409, (long) THREADS - 1), statuses(answers),
                    "round " + round + ": the first rotation makes two active secrets, the rest are refused");
            JsonArray secrets = new JsonObject(admin("GET", path, null).body()).getJsonArray("secrets");
            assertEquals(2, secrets.stream().filter(s -> ((JsonObject) s).getBoolean("active")).count(),
                    "round " + round + ": " + secrets);
        }
    }

    @Test
    void addIdentityWhenClientsClaimOneSubjectAtOnceThenOneSucceedsAndTheRestConflict() throws Exception {
        String cluster = new com.nimbusds.jose.jwk.JWKSet(new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                com.nimbusds.jose.jwk.Curve.P_256).keyID("race").generate()).toPublicJWKSet().toString();
        assertEquals(201, admin("POST", "/admin/v1/trust-sources", new JsonObject().put("kind", "kubernetes")
                .put("name", "race-cluster").put("issuer", "https://kubernetes.race")
                .put("jwks", new JsonObject(cluster))).statusCode());
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < THREADS; i++) {
                http.createClient("federated-" + round + "-" + i, JOBS, "jobs:read");
            }
            int r = round;
            JsonObject identity = new JsonObject().put("trust_source", "race-cluster")
                    .put("subject", "system:serviceaccount:race:worker-" + round);
            List<HttpResponse<String>> answers = race(THREADS, i -> admin("POST",
                    "/admin/v1/clients/federated-" + r + "-" + i + "/federated-identities", identity));
            assertEquals(Map.of(201, 1L, 409, (long) THREADS - 1), statuses(answers),
                    "round " + round + ": one subject is one client");
        }
    }

    @Test
    void patchClientWhenFieldsChangeAtOnceThenEveryChangeIsKept() throws Exception {
        http.createClient("patched", JOBS, "jobs:read");
        for (int round = 0; round < 2 * ROUNDS; round++) {
            boolean even = round % 2 == 0;
            List<JsonObject> patches = List.of(new JsonObject().put("name", "round " + round),
                    new JsonObject().put("enabled", !even),
                    new JsonObject().put("auth_methods", List.of(even ? "client_secret_post" : "client_secret_basic")),
                    new JsonObject().put("grant_types", even ? List.of() : List.of("client_credentials")),
                    new JsonObject().put("default_api", even ? REPORTS : JOBS));
            // Each change twice, so that more calls meet.
            List<HttpResponse<String>> answers = race(2 * patches.size(),
                    i -> admin("PATCH", "/admin/v1/clients/patched", patches.get(i % patches.size())));
            assertEquals(Map.of(200, 2L * patches.size()), statuses(answers), "round " + round);
            JsonObject client = new JsonObject(admin("GET", "/admin/v1/clients/patched", null).body());
            JsonObject expected = client.copy().put("name", "round " + round).put("enabled", !even)
                    .put("auth_methods", new JsonArray().add(even ? "client_secret_post" : "client_secret_basic"))
                    .put("grant_types", even ? new JsonArray() : new JsonArray().add("client_credentials"))
                    .put("default_api", even ? REPORTS : JOBS);
            assertEquals(expected, client, "round " + round + ": a change was lost");
        }
    }

    @Test
    void patchApiWhenFieldsChangeAtOnceThenEveryChangeIsKept() throws Exception {
        http.createApi(PATCHED, "RS256", "patched:read");
        for (int round = 0; round < 2 * ROUNDS; round++) {
            boolean even = round % 2 == 0;
            List<String> scopes = List.of("patched:read", "patched:" + round);
            List<JsonObject> patches = List.of(new JsonObject().put("name", "round " + round),
                    new JsonObject().put("enabled", !even),
                    new JsonObject().put("token_lifetime", 60 + round),
                    new JsonObject().put("scopes", scopes));
            List<HttpResponse<String>> answers = race(2 * patches.size(),
                    i -> admin("PATCH", "/admin/v1/apis/" + Http.enc(PATCHED), patches.get(i % patches.size())));
            assertEquals(Map.of(200, 2L * patches.size()), statuses(answers), "round " + round);
            JsonObject api = new JsonObject(admin("GET", "/admin/v1/apis/" + Http.enc(PATCHED), null).body());
            JsonObject expected = api.copy().put("name", "round " + round).put("enabled", !even)
                    .put("token_lifetime", 60 + round).put("scopes", new JsonArray(scopes.stream().sorted().toList()));
            assertEquals(expected, api, "round " + round + ": a change was lost");
        }
    }

    @Test
    void putGrantWhen16AtOnceOnOneClientThenEveryCallSucceedsAndTheGrantsAreTheLastWritten() throws Exception {
        http.createClient("granted", JOBS, "jobs:read");
        for (int round = 0; round < ROUNDS; round++) {
            List<HttpResponse<String>> answers = race(THREADS, i -> {
                String api = i % 2 == 0 ? JOBS : REPORTS;
                List<String> scopes = i % 4 < 2 ? List.of() : List.of(api.equals(JOBS) ? "jobs:write" : "reports:read");
                return admin("PUT", "/admin/v1/clients/granted/grants/" + Http.enc(api),
                        new JsonObject().put("scopes", scopes));
            });
            assertEquals(Map.of(200, (long) THREADS), statuses(answers), "round " + round);
            JsonArray grants = new JsonObject(admin("GET", "/admin/v1/clients/granted", null).body())
                    .getJsonArray("grants");
            assertEquals(List.of(JOBS, REPORTS), grants.stream().map(g -> ((JsonObject) g).getString("api")).toList(),
                    "round " + round + ": " + grants);
        }
    }

    private HttpResponse<String> admin(String method, String path, JsonObject body) {
        return http.admin(token, method, path, body);
    }

    /** Runs {@code n} calls released together, and returns their answers. */
    private <T> List<T> race(int n, IntFunction<T> call) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            futures.add(pool.submit(() -> {
                go.await();
                return call.apply(index);
            }));
        }
        go.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get());
        }
        return results;
    }

    private static Map<Integer, Long> statuses(List<HttpResponse<String>> answers) {
        return answers.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, TreeMap::new,
                Collectors.counting()));
    }
}
