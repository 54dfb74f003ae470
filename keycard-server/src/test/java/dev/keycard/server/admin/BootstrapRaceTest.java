package dev.keycard.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.client.Secrets;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import dev.keycard.server.testing.Postgres;
import dev.keycard.server.testing.TestServer;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several nodes starting at once on one PostgreSQL store: each runs the bootstrap, none fails,
 * and the store ends with one admin API holding every built-in scope. Eight threads on one pool
 * play the nodes.
 */
class BootstrapRaceTest {

    private static final int NODES = 8;

    private final ServerConfig config = ServerConfig.of(Map.of("admin.client-secret", TestServer.ADMIN_SECRET));
    private final Secrets secrets = new Secrets(new SecureRandom());
    private Postgres postgres;
    private Database db;

    @BeforeEach
    void open() {
        postgres = Postgres.schema();
        db = Database.open(postgres.url(), "", "", NODES);
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void runWhenNodesStartTogetherOnAnEmptyStoreThenOneCreatesTheAdminAndNoneFails() throws Exception {
        List<Optional<Bootstrap.AdminCredentials>> made = race();
        assertEquals(1, made.stream().filter(Optional::isPresent).count(), made.toString());
        assertEquals(ScopeSet.of(Api.ADMIN_SCOPE, Api.INTROSPECT_SCOPE), adminApi().scopes());
        assertEquals(1, db.transaction(new ClientRepository()::findAll).size());
    }

    @Test
    void runWhenNodesCompleteTheBuiltInScopesTogetherThenNoneFails() throws Exception {
        Bootstrap.run(db, config, secrets, Clock.systemUTC(), admin -> { });
        db.transaction(c -> { // as a store made by a Keycard that did not know keycard:introspect
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_scopes WHERE scope = ?")) {
                ps.setString(1, Api.INTROSPECT_SCOPE);
                return ps.executeUpdate();
            }
        });
        List<Optional<Bootstrap.AdminCredentials>> made = race();
        assertEquals(0, made.stream().filter(Optional::isPresent).count(), made.toString());
        assertEquals(ScopeSet.of(Api.ADMIN_SCOPE, Api.INTROSPECT_SCOPE), adminApi().scopes());
    }

    private Api adminApi() {
        return db.transaction(c -> new ApiRepository().find(c, Api.ADMIN_IDENTIFIER)).orElseThrow();
    }

    /** Runs the bootstrap on {@link #NODES} threads released together; rethrows the first failure. */
    private List<Optional<Bootstrap.AdminCredentials>> race() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(NODES);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<Bootstrap.AdminCredentials>>> futures = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return Bootstrap.run(db, config, secrets, Clock.systemUTC(), admin -> { });
                }));
            }
            go.countDown();
            List<Optional<Bootstrap.AdminCredentials>> results = new ArrayList<>();
            for (Future<Optional<Bootstrap.AdminCredentials>> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
