package dev.keycard.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.RawHttp;
import dev.keycard.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and broken requests, sent as raw bytes: each gets its 4xx (never a 5xx, never a stack
 * trace), and afterwards the server still issues tokens.
 */
class MalformedRequestsTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static String secret;
    static String adminToken;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Map.of("http.request-timeout", "1s", "http.idle-timeout", "2s"));
        http = new Http(server.baseUri());
        http.createApi("https://jobs.internal", "ES256", "jobs:read");
        secret = http.createClient("worker", "https://jobs.internal", "jobs:read").getString("client_secret");
        adminToken = http.adminToken();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A case: its name, the request bytes, the status it must get (-1: the server just closes). */
    record Case(String name, byte[] request, int status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String basic() {
        return Http.basic("worker", secret);
    }

    static Case post(String name, String headers, byte[] body, int status) {
        byte[] head = ("POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return new Case(name, all, status);
    }

    static Case form(String name, String auth, String body, int status) {
        return post(name, "Content-Type: application/x-www-form-urlencoded\r\n"
                + (auth == null ? "" : "Authorization: " + auth + "\r\n"), body.getBytes(StandardCharsets.ISO_8859_1), status);
    }

    static Case raw(String name, String request, int status) {
        return new Case(name, request.getBytes(StandardCharsets.ISO_8859_1), status);
    }

    /** An admin API call with a valid admin token and a JSON body (none when empty). */
    static Case admin(String name, String method, String path, String json, int status) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] head = (method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + adminToken
                + "\r\n" + (json.isEmpty() ? "" : "Content-Type: application/json\r\n") + "Content-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return new Case(name, all, status);
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static Stream<Case> cases() {
        String ok = "grant_type=client_credentials";
        List<Case> c = new ArrayList<>();
        c.add(raw("GET token", "GET /oauth2/token HTTP/1.1\r\nHost: x\r\n\r\n", 405));
        c.add(raw("PUT token", "PUT /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405));
        c.add(raw("DELETE token", "DELETE /oauth2/token HTTP/1.1\r\nHost: x\r\n\r\n", 405));
        c.add(raw("POST JWKS", "POST /oauth2/jwks HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405));
        c.add(raw("unknown path", "GET /oauth2/tokens HTTP/1.1\r\nHost: x\r\n\r\n", 404));
        c.add(post("no content type", "Authorization: " + basic() + "\r\n", ok.getBytes(), 400));
        c.add(post("text/plain", "Content-Type: text/plain\r\nAuthorization: " + basic() + "\r\n", ok.getBytes(), 400));
        c.add(post("JSON body", "Content-Type: application/json\r\n", "{\"grant_type\":1}".getBytes(), 400));
        c.add(post("Latin-1 charset", "Content-Type: application/x-www-form-urlencoded; charset=iso-8859-1\r\n",
                ok.getBytes(), 400));
        c.add(form("Basic not base64", "Basic !!!not-base64!!!", ok, 400));
        c.add(form("Basic without colon", "Basic " + b64("worker".getBytes()), ok, 400));
        c.add(form("Basic bad percent-encoding", "Basic " + b64("work%zzer:secret".getBytes()), ok, 400));
        c.add(form("Basic truncated percent", "Basic " + b64("worker:sec%4".getBytes()), ok, 400));
        c.add(form("Basic not UTF-8", "Basic " + b64(new byte[] {'w', (byte) 0xC3, ':', 's'}), ok, 400));
        c.add(form("Basic empty id", "Basic " + b64(":secret".getBytes()), ok, 400));
        c.add(form("Basic empty", "Basic ", ok, 400));
        c.add(form("Bearer scheme", "Bearer abc", ok, 401));
        c.add(form("Digest scheme", "Digest username=\"worker\"", ok, 401));
        c.add(post("body not UTF-8", "Content-Type: application/x-www-form-urlencoded\r\nAuthorization: " + basic() + "\r\n",
                new byte[] {'g', 'r', 'a', 'n', 't', '_', 't', 'y', 'p', 'e', '=', (byte) 0xFF, (byte) 0xFE}, 400));
        c.add(form("percent-encoded invalid UTF-8", basic(), "grant_type=%C3%28", 400));
        c.add(form("bad percent in body", basic(), "grant_type=%G1", 400));
        c.add(form("truncated percent in body", basic(), "grant_type=client_credentials&scope=%4", 400));
        c.add(form("parameter without name", basic(), ok + "&=x", 400));
        c.add(form("repeated grant_type", basic(), ok + "&" + ok, 400));
        c.add(form("repeated client_id", null, ok + "&client_id=worker&client_id=worker&client_secret=" + secret, 400));
        c.add(form("empty client_secret", null, ok + "&client_id=worker&client_secret=", 401));
        c.add(form("NUL in client_id", null, ok + "&client_id=work%00er&client_secret=x", 401));
        c.add(form("scope with control character", basic(), ok + "&scope=jobs%01read", 400));
        c.add(form("scope of 60 KB", basic(), ok + "&scope=" + "a".repeat(60_000), 400));
        c.add(form("resource with spaces", basic(), ok + "&resource=https%3A%2F%2Fjobs+internal", 400));
        c.add(form("resource relative", basic(), ok + "&resource=%2Fjobs", 400));
        c.add(form("body over 64 KiB", basic(), ok + "&pad=" + "a".repeat(70_000), 413));
        c.add(raw("declared length over limit", "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: "
                + "application/x-www-form-urlencoded\r\nContent-Length: 100000000\r\n\r\n", 413));
        c.add(raw("chunked body over limit", "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: "
                + "application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "11170\r\n" + "a".repeat(70_000) + "\r\n0\r\n\r\n", 413));
        c.add(raw("Expect 100-continue over limit", "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 99999999\r\n\r\n", 413));
        c.add(raw("Expect 100-continue, 70 KB declared", "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 70000\r\n\r\n", 413));
        c.add(raw("Content-Length not a number", "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400));
        c.add(raw("headers of 20 KB", "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(20_000)
                + "\r\nContent-Length: 0\r\n\r\n", 431));
        c.add(raw("request line of 10 KB", "GET /oauth2/token?" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414));
        c.add(raw("not HTTP", "HELLO KEYCARD\r\n\r\n", 400));
        c.add(raw("HTTP/1.1 without Host", "GET /oauth2/jwks HTTP/1.1\r\n\r\n", 400));
        c.add(raw("two Host headers", "GET /oauth2/jwks HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400));
        c.add(raw("two Host headers, HTTP/1.0", "GET /oauth2/jwks HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400));
        c.add(raw("Host with a space", "GET /oauth2/jwks HTTP/1.1\r\nHost: a b\r\n\r\n", 400));
        c.add(raw("Host with a path", "GET /oauth2/jwks HTTP/1.1\r\nHost: a/b\r\n\r\n", 400));
        c.add(raw("Host with user info", "GET /oauth2/jwks HTTP/1.1\r\nHost: u@a\r\n\r\n", 400));
        c.add(raw("token request without Host", "POST /oauth2/token HTTP/1.1\r\nContent-Type: "
                + "application/x-www-form-urlencoded\r\nAuthorization: " + basic() + "\r\nContent-Length: 29\r\n\r\n"
                + "grant_type=client_credentials", 400));
        c.add(raw("HTTP/1.0 without Host", "GET /oauth2/jwks HTTP/1.0\r\n\r\n", 200));
        c.add(raw("IPv6 Host with port", "GET /oauth2/jwks HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", 200));
        c.add(raw("empty Host", "GET /oauth2/jwks HTTP/1.1\r\nHost:\r\n\r\n", 200));
        c.add(form("repeated non-ASCII parameter name", basic(), ok + "&%C2%A7=1&%C2%A7=2", 400));
        c.add(form("repeated parameter name with CR LF", basic(), ok + "&a%0D%0Ab=1&a%0D%0Ab=2", 400));
        c.add(raw("declared 2 MiB body", "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: "
                + "application/x-www-form-urlencoded\r\nContent-Length: 2097152\r\n\r\n" + "a".repeat(65_536), 413));
        c.add(admin("admin JSON with a repeated name", "POST", "/admin/v1/apis",
                "{\"identifier\":\"https://x.internal\",\"name\":\"a\",\"name\":\"b\"}", 400));
        c.add(admin("admin JSON with a comment", "PATCH", "/admin/v1/clients/worker", "{/*x*/\"name\":\"a\"}", 400));
        c.add(admin("admin JSON with a lone surrogate", "PATCH", "/admin/v1/clients/worker", "{\"name\":\"\\ud800\"}", 400));
        c.add(admin("admin JSON with trailing garbage", "PATCH", "/admin/v1/clients/worker", "{\"name\":\"a\"}x", 400));
        c.add(admin("key rotation with an unknown field", "POST", "/admin/v1/keys/rotate", "{\"algo\":\"ES256\"}", 400));
        c.add(admin("enable with a body field", "POST", "/admin/v1/clients/worker/enable", "{\"x\":1}", 400));
        c.add(admin("the last admin disabling itself", "POST", "/admin/v1/clients/keycard-admin/disable", "", 409));
        c.add(raw("admin without token", "GET /admin/v1/apis HTTP/1.1\r\nHost: x\r\n\r\n", 401));
        c.add(raw("admin with garbage token", "GET /admin/v1/apis HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer x.y.z\r\n\r\n", 401));
        c.add(raw("admin bad scheme", "GET /admin/v1/apis HTTP/1.1\r\nHost: x\r\nAuthorization: Basic abc\r\n\r\n", 400));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void requestWhenMalformedThenExact4xxAndNoStackTrace(Case c) {
        RawHttp.Reply reply = RawHttp.exchange(server.server().port(), c.request());
        assertEquals(c.status(), reply.status(), c.name() + ":\n" + reply.text());
        assertTrue(!reply.text().contains("Exception") && !reply.text().contains("\tat "), "no stack trace");
        assertTokensStillIssued();
    }

    @Test
    void bodyWhenSentTooSlowlyThen408AndConnectionClosed() {
        String head = "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Authorization: " + basic() + "\r\nContent-Length: 29\r\n\r\ngrant_type=";
        RawHttp.Reply reply = RawHttp.exchange(server.server().port(), head.getBytes(StandardCharsets.ISO_8859_1),
                2_500, "client_credentials".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(408, reply.status(), reply.text());
        assertTrue(reply.text().toLowerCase().contains("connection: close"));
        assertTokensStillIssued();
    }

    @Test
    void headersWhenNeverFinishedThenConnectionClosedWithoutAnswer() {
        RawHttp.Reply reply = RawHttp.exchange(server.server().port(),
                "POST /oauth2/token HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(-1, reply.status(), "closed by the idle timeout: " + reply.text());
        assertTokensStillIssued();
    }

    static void assertTokensStillIssued() {
        assertEquals(200, http.token("worker", secret, "grant_type", "client_credentials").statusCode());
    }
}
