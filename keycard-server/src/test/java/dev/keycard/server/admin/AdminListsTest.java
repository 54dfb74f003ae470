package dev.keycard.server.admin;

import static dev.keycard.server.admin.AdminApiTest.assertProblem;
import static dev.keycard.server.admin.AdminApiTest.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API's lists page: 100 items by default, at most 1,000, an opaque cursor in a
 * {@code next} link (and an RFC 8288 {@code Link} header) on every page but the last; the
 * client list filters by name prefix, by API granted and by state; bad paging parameters are
 * RFC 9457 validation problems.
 */
class AdminListsTest {

    static final String JOBS = "https://jobs.internal";
    static final String REPORTS = "https://reports.internal";
    static final int WORKERS = 230;

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static final Set<String> ALL = new TreeSet<>();

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        http = new Http(server.baseUri());
        http.createApi(JOBS, "RS256", "jobs:read");
        http.createApi(REPORTS, "RS256", "reports:read");
        ALL.add(server.adminClientId());
        for (int i = 0; i < WORKERS; i++) {
            String id = String.format("worker-%03d", i);
            http.createClient(id, JOBS, "jobs:read");
            ALL.add(id);
        }
        for (String id : List.of("reporter-a", "reporter-b")) {
            JsonObject body = new JsonObject().put("client_id", id).put("name", "Reporting " + id)
                    .put("grants", new JsonArray().add(new JsonObject().put("api", REPORTS)
                            .put("scopes", new JsonArray().add("reports:read"))));
            assertEquals(201, http.admin("POST", "/admin/v1/clients", body).statusCode());
            ALL.add(id);
        }
        assertEquals(200, http.admin("POST", "/admin/v1/clients/reporter-b/disable", new JsonObject()).statusCode());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonObject get(String path) {
        HttpResponse<String> r = http.admin("GET", path, null);
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    static List<String> ids(JsonObject page, String key) {
        return page.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString(key)).toList();
    }

    @Test
    void clientsWhenNoParametersThenFirst100InClientIdOrderWithNextLinkAndLinkHeader() {
        HttpResponse<String> r = http.admin("GET", "/admin/v1/clients", null);
        assertEquals(200, r.statusCode(), r.body());
        JsonObject page = new JsonObject(r.body());
        List<String> ids = ids(page, "client_id");
        assertEquals(100, ids.size());
        assertEquals(new ArrayList<>(ALL).subList(0, 100), ids);
        String next = page.getString("next");
        assertTrue(next.startsWith("/admin/v1/clients?"), next);
        assertEquals("<" + next + ">; rel=\"next\"", r.headers().firstValue("Link").orElse(null));
    }

    @Test
    void clientsWhenNextLinksFollowedThenEveryClientOnceInOrderAndTheLastPageHasNoNext() {
        List<String> seen = new ArrayList<>();
        String next = "/admin/v1/clients?limit=70";
        int pages = 0;
        while (next != null) {
            JsonObject page = get(next);
            seen.addAll(ids(page, "client_id"));
            next = page.getString("next");
            pages++;
        }
        assertEquals(new ArrayList<>(ALL), seen);
        assertEquals((ALL.size() + 69) / 70, pages);
    }

    @Test
    void clientsWhenLimitAtMostThenOnePageHoldsAll() {
        JsonObject page = get("/admin/v1/clients?limit=1000");
        assertEquals(ALL.size(), page.getJsonArray("items").size());
        assertNull(page.getString("next"));
    }

    @Test
    void clientsWhenFilteredThenOnlyMatchingAndFiltersKeptInNextLink() {
        assertEquals(List.of("reporter-a", "reporter-b"), ids(get("/admin/v1/clients?name_prefix=Reporting"),
                "client_id"));
        assertEquals(List.of("reporter-a", "reporter-b"), ids(get("/admin/v1/clients?api=" + Http.enc(REPORTS)),
                "client_id"));
        assertEquals(List.of("reporter-b"), ids(get("/admin/v1/clients?enabled=false"), "client_id"));
        assertEquals(List.of("reporter-a"), ids(get("/admin/v1/clients?api=" + Http.enc(REPORTS) + "&enabled=true"),
                "client_id"));
        assertEquals(List.of(), ids(get("/admin/v1/clients?name_prefix=reporting"), "client_id"), "case-sensitive");

        JsonObject first = get("/admin/v1/clients?api=" + Http.enc(JOBS) + "&limit=200");
        assertEquals(200, first.getJsonArray("items").size());
        String next = first.getString("next");
        assertTrue(next.contains("api=" + Http.enc(JOBS)), next);
        JsonObject second = get(next);
        assertEquals(WORKERS - 200, second.getJsonArray("items").size());
        assertTrue(ids(second, "client_id").stream().allMatch(id -> id.startsWith("worker-")));
    }

    @Test
    void clientsWhenPagingParametersBadThenValidationProblemNamingThem() {
        for (String q : List.of("limit=0", "limit=1001", "limit=abc", "limit=-1", "limit=")) {
            JsonObject p = assertProblem(http.admin("GET", "/admin/v1/clients?" + q, null), 400, "validation");
            assertEquals(Set.of("limit"), fields(p), q);
        }
        assertEquals(Set.of("cursor"), fields(assertProblem(http.admin("GET", "/admin/v1/clients?cursor=bm90LWEtY3Vyc29y",
                null), 400, "validation")));
        assertEquals(Set.of("cursor"), fields(assertProblem(http.admin("GET", "/admin/v1/clients?cursor=%25%25",
                null), 400, "validation")));
        assertEquals(Set.of("enabled"), fields(assertProblem(http.admin("GET", "/admin/v1/clients?enabled=yes", null),
                400, "validation")));
        assertEquals(Set.of("page"), fields(assertProblem(http.admin("GET", "/admin/v1/clients?page=2", null), 400,
                "validation")));
        assertEquals(Set.of("limit"), fields(assertProblem(http.admin("GET", "/admin/v1/clients?limit=5&limit=6", null),
                400, "validation")));
        assertEquals(Set.of("name_prefix"), fields(assertProblem(http.admin("GET", "/admin/v1/apis?name_prefix=x",
                null), 400, "validation")), "the API list has no filters");
    }

    @Test
    void apisKeysAndSecretsPageToo() {
        JsonObject apis = get("/admin/v1/apis?limit=1");
        assertEquals(1, apis.getJsonArray("items").size());
        List<String> all = new ArrayList<>(ids(apis, "identifier"));
        while (apis.getString("next") != null) {
            apis = get(apis.getString("next"));
            all.addAll(ids(apis, "identifier"));
        }
        assertEquals(List.of(JOBS, REPORTS, "urn:keycard:admin"), all);

        JsonObject keys = get("/admin/v1/keys?limit=1");
        assertEquals(1, keys.getJsonArray("items").size());
        assertFalse(keys.getJsonArray("items").getJsonObject(0).getString("kid").isEmpty());

        assertEquals(201, http.admin("POST", "/admin/v1/clients/worker-001/secrets/rotate", new JsonObject())
                .statusCode());
        JsonObject secrets = get("/admin/v1/clients/worker-001/secrets?limit=1");
        assertEquals(1, secrets.getJsonArray("items").size());
        JsonObject rest = get(secrets.getString("next"));
        assertEquals(1, rest.getJsonArray("items").size());
        assertNull(rest.getString("next"));
        assertFalse(ids(secrets, "id").equals(ids(rest, "id")));
    }
}
