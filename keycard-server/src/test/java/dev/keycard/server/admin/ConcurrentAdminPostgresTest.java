package dev.keycard.server.admin;

import dev.keycard.server.testing.Postgres;
import java.util.Map;

/** Concurrent admin calls on PostgreSQL, in a schema of its own; skipped where none is reachable. */
class ConcurrentAdminPostgresTest extends ConcurrentAdminContract {

    private Postgres postgres;

    @Override
    Map<String, String> store() {
        postgres = Postgres.schema();
        return Map.of("store.url", postgres.url());
    }

    @Override
    void dropStore() {
        if (postgres != null) {
            postgres.close();
        }
    }
}
