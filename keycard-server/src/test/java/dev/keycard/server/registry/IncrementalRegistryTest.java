package dev.keycard.server.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An admin write changes only what it is about in the in-memory registry: every other client and
 * API stays the very object it was (a reload of everything would make new ones), and the change
 * itself is served at once. An API's change reaches the clients it cascades to in the store.
 */
class IncrementalRegistryTest {

    static final String JOBS = "https://jobs.internal";

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        http = new Http(server.baseUri());
        http.createApi(JOBS, "RS256", "jobs:read", "jobs:write");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Registry registry() {
        return server.server().registry();
    }

    @Test
    void writeWhenMadeThenOnlyItsOwnEntriesReplaced() {
        http.createClient("bystander", JOBS, "jobs:read");
        Client bystander = registry().client("bystander").orElseThrow();
        Client admin = registry().client(server.adminClientId()).orElseThrow();
        Api jobs = registry().api(JOBS).orElseThrow();

        http.createClient("newcomer", JOBS, "jobs:write");
        assertEquals(200, http.admin("PATCH", "/admin/v1/clients/newcomer", new JsonObject().put("name", "Renamed"))
                .statusCode());
        assertEquals(201, http.admin("POST", "/admin/v1/clients/newcomer/secrets/rotate", new JsonObject())
                .statusCode());

        assertEquals("Renamed", registry().client("newcomer").orElseThrow().name(), "the change is served at once");
        assertEquals(2, registry().client("newcomer").orElseThrow().secrets().size());
        assertSame(bystander, registry().client("bystander").orElseThrow(), "an untouched client is not reread");
        assertSame(admin, registry().client(server.adminClientId()).orElseThrow());
        assertSame(jobs, registry().api(JOBS).orElseThrow(), "an untouched API is not reread");

        assertEquals(204, http.admin("DELETE", "/admin/v1/clients/newcomer", null).statusCode());
        assertTrue(registry().client("newcomer").isEmpty(), "a deleted client leaves memory");
        assertSame(bystander, registry().client("bystander").orElseThrow());
    }

    @Test
    void apiUpdateWhenScopeRemovedThenClientsGrantedItLoseItInMemory() {
        String reports = "https://reports.internal";
        http.createApi(reports, "RS256", "reports:read", "reports:write");
        http.createClient("reporter", reports, "reports:read", "reports:write");
        http.createClient("unrelated", JOBS, "jobs:read");
        Client unrelated = registry().client("unrelated").orElseThrow();

        assertEquals(200, http.admin("PATCH", "/admin/v1/apis/" + Http.enc(reports),
                new JsonObject().put("scopes", List.of("reports:read"))).statusCode());

        assertEquals(ScopeSet.of("reports:read"), registry().client("reporter").orElseThrow().grants().get(reports));
        assertSame(unrelated, registry().client("unrelated").orElseThrow());
    }

    @Test
    void apiDeleteWhenClientsGrantedItThenGrantsAndDefaultApiLeaveMemory() {
        String audit = "https://audit.internal";
        http.createApi(audit, "ES256", "audit:read");
        JsonObject body = new JsonObject().put("client_id", "auditor").put("name", "Auditor")
                .put("default_api", audit)
                .put("grants", List.of(new JsonObject().put("api", audit).put("scopes", List.of("audit:read"))));
        assertEquals(201, http.admin("POST", "/admin/v1/clients", body).statusCode());
        assertEquals(Optional.of(audit), registry().client("auditor").orElseThrow().defaultApi());

        assertEquals(204, http.admin("DELETE", "/admin/v1/apis/" + Http.enc(audit), null).statusCode());

        Client auditor = registry().client("auditor").orElseThrow();
        assertTrue(registry().api(audit).isEmpty());
        assertFalse(auditor.grants().containsKey(audit));
        assertEquals(Optional.empty(), auditor.defaultApi());
    }
}
