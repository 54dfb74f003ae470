package dev.keycard.server.admin;

import static dev.keycard.server.admin.AdminApiTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API reads JSON strictly (RFC 8259) and refuses what it does not know: a body that a
 * lenient parser would read differently from a validating proxy is a validation problem, and a
 * misspelled field is never ignored.
 */
class AdminStrictInputTest {

    static final String JOBS = "https://jobs.internal";

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static String token;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        http = new Http(server.baseUri());
        http.createApi(JOBS, "ES256", "jobs:read");
        http.createClient("worker", JOBS, "jobs:read");
        token = http.adminToken();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> send(String method, String path, String json) {
        return http.send(http.request(path).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    static void assertInvalidBody(HttpResponse<String> r, String detail) {
        JsonObject p = assertProblem(r, 400, "validation");
        assertEquals("body " + detail, p.getString("detail"));
        assertEquals("body", p.getJsonArray("errors").getJsonObject(0).getString("field"));
    }

    @Test
    void createApiWhenAMemberNameRepeatsThenValidationProblemAndNothingCreated() {
        HttpResponse<String> r = send("POST", "/admin/v1/apis", "{\"identifier\":\"https://dup.internal\","
                + "\"name\":\"first\",\"name\":\"second\"}");
        assertInvalidBody(r, "a member name appears twice in one object");
        assertEquals(404, http.admin("GET", "/admin/v1/apis/https%3A%2F%2Fdup.internal", null).statusCode());
    }

    @Test
    void bodyWhenANestedMemberNameRepeatsThenValidationProblem() {
        HttpResponse<String> r = send("POST", "/admin/v1/clients", "{\"name\":\"n\",\"grants\":[{\"api\":\""
                + JOBS + "\",\"api\":\"urn:keycard:admin\",\"scopes\":[]}]}");
        assertInvalidBody(r, "a member name appears twice in one object");
    }

    @Test
    void bodyWhenItHasCommentsThenValidationProblemAndNothingStored() {
        String before = name();
        assertInvalidBody(send("PATCH", "/admin/v1/clients/worker", "{/* c */\"name\":\"x\"}"), "comments are not JSON");
        assertInvalidBody(send("PATCH", "/admin/v1/clients/worker", "{\"name\":\"x\" // c\n}"), "comments are not JSON");
        assertEquals(before, name());
    }

    static String name() {
        return new JsonObject(http.admin("GET", "/admin/v1/clients/worker", null).body()).getString("name");
    }

    @Test
    void bodyWhenAStringHoldsALoneSurrogateThenValidationProblemAndNothingStored() {
        String before = name();
        assertInvalidBody(send("PATCH", "/admin/v1/clients/worker", "{\"name\":\"a\\ud800b\"}"),
                "a string holds a lone surrogate, which is not text");
        assertInvalidBody(send("PATCH", "/admin/v1/clients/worker", "{\"name\":\"\\udc00\"}"),
                "a string holds a lone surrogate, which is not text");
        assertInvalidBody(send("PATCH", "/admin/v1/clients/worker", "{\"\\ud800\":1}"),
                "a string holds a lone surrogate, which is not text");
        assertEquals(before, name());
    }

    @Test
    void bodyWhenAPairedSurrogateOrTrailingGarbageThenThePairIsKeptAndGarbageRefused() {
        HttpResponse<String> ok = send("PATCH", "/admin/v1/clients/worker", "{\"name\":\"key \\ud83d\\udd11\"}");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("key \uD83D\uDD11", new JsonObject(ok.body()).getString("name"));
        assertProblem(send("PATCH", "/admin/v1/clients/worker", "{\"name\":\"x\"} {}"), 400, "malformed");
        assertProblem(send("PATCH", "/admin/v1/clients/worker", "\"text\""), 400, "malformed");
    }

    @Test
    void rotateKeysWhenAFieldIsMisspelledThenValidationProblemAndNoKeyMade() {
        int before = http.admin("GET", "/admin/v1/keys", null).body().split("\"kid\"").length;
        JsonObject p = assertProblem(send("POST", "/admin/v1/keys/rotate", "{\"algo\":\"ES256\"}"), 400, "validation");
        assertEquals("algo is not a known field", p.getString("detail"));
        assertEquals(before, http.admin("GET", "/admin/v1/keys", null).body().split("\"kid\"").length);
    }

    @Test
    void enableOrDisableWhenABodyFieldIsGivenThenValidationProblemAndNoChange() {
        JsonObject p = assertProblem(send("POST", "/admin/v1/clients/worker/disable", "{\"enabled\":true}"), 400,
                "validation");
        assertEquals("enabled is not a known field", p.getString("detail"));
        assertEquals(true, new JsonObject(http.admin("GET", "/admin/v1/clients/worker", null).body())
                .getBoolean("enabled"));
        assertProblem(send("POST", "/admin/v1/clients/worker/enable", "{\"reason\":\"x\"}"), 400, "validation");
        assertEquals(200, send("POST", "/admin/v1/clients/worker/enable", "{}").statusCode());
    }
}
