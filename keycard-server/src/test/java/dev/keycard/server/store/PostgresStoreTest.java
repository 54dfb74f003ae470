package dev.keycard.server.store;

import dev.keycard.server.testing.Postgres;
import org.junit.jupiter.api.AfterEach;

/** The store contract on PostgreSQL, in a schema of its own; skipped where none is reachable. */
class PostgresStoreTest extends StoreContract {

    private Postgres postgres;

    @Override
    Database open() {
        postgres = Postgres.schema();
        return reopen();
    }

    @Override
    Database reopen() {
        return Database.open(postgres.url(), "", "", 2);
    }

    @AfterEach
    void dropSchema() {
        if (postgres != null) {
            postgres.close();
        }
    }
}
