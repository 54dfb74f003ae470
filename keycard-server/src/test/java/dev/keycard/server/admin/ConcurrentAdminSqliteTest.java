package dev.keycard.server.admin;

import java.util.Map;

/** Concurrent admin calls on the embedded default: a real SQLite file in the test's directory. */
class ConcurrentAdminSqliteTest extends ConcurrentAdminContract {

    @Override
    Map<String, String> store() {
        return Map.of();
    }
}
