package dev.keycard.server.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.event.AuditEvent;
import dev.keycard.server.testing.Eventually;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console over real HTTP, as a browser would use it but without one: the one-time sign-in
 * link, the session cookie's attributes, CSRF, the security headers, escaping, the secret shown
 * once, sign-out and the audit trail. ConsoleBrowserTest drives the same pages in Chromium.
 */
class ConsoleHttpTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();
    private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Http start(Map<String, String> settings) {
        server = TestServer.start(dir, settings, clock, audit::addAll);
        return new Http(server.baseUri());
    }

    static String link(Http http) {
        HttpResponse<String> made = http.admin("POST", "/admin/v1/console/sign-in-links", null);
        assertEquals(201, made.statusCode(), made.body());
        return new JsonObject(made.body()).getString("url");
    }

    private static HttpResponse<String> open(Http http, String url) {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /** Signs in through a new link; returns the session cookie ("name=value"). */
    static String signIn(Http http) {
        HttpResponse<String> in = open(http, link(http));
        assertEquals(200, in.statusCode(), in.body());
        return in.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    private static HttpResponse<String> get(Http http, String cookie, String path) {
        return http.send(http.request(path).header("Cookie", cookie).GET());
    }

    private static HttpResponse<String> post(Http http, String cookie, String path, String... form) {
        return http.send(http.request(path).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form(form))));
    }

    static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        assertTrue(m.find(), "no CSRF token in the page");
        return m.group(1);
    }

    @Test
    void consoleWhenNotEnabledThenNeitherPagesNorLinks() {
        Http http = start(Map.of());
        assertEquals(404, http.get("/console/").statusCode());
        HttpResponse<String> link = http.admin("POST", "/admin/v1/console/sign-in-links", null);
        assertEquals(404, link.statusCode(), link.body());
        assertTrue(link.body().contains("console.enabled"), link.body());
    }

    @Test
    void signInWhenLinkOpenedThenStrictSessionCookieAndTheLinkIsSpent() {
        Http http = start(Map.of("console.enabled", "true"));
        assertEquals(401, http.get("/console/").statusCode());
        String url = link(http);
        assertTrue(url.startsWith(server.baseUri().toString().replaceAll("/$", "") + "/console/sign-in?token="), url);

        HttpResponse<String> in = open(http, url);
        assertEquals(200, in.statusCode(), in.body());
        String cookie = in.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("keycard_console="), cookie);
        for (String attribute : List.of("HttpOnly", "SameSite=Strict", "Path=/console", "Max-Age=28800")) {
            assertTrue(cookie.toLowerCase(java.util.Locale.ROOT).contains(attribute.toLowerCase(java.util.Locale.ROOT)),
                    cookie + " lacks " + attribute);
        }
        assertFalse(cookie.contains("Secure"), "Secure on plain http would lose the cookie: " + cookie);
        HttpResponse<String> overview = get(http, cookie.split(";")[0], "/console/");
        assertEquals(200, overview.statusCode(), overview.body());
        assertTrue(overview.body().contains(TestServer.ADMIN_ID), "the page names who is signed in");

        HttpResponse<String> again = open(http, url);
        assertEquals(401, again.statusCode(), "a link signs in once");
        assertTrue(again.headers().firstValue("Set-Cookie").isEmpty());
        assertTrue(audit.stream().anyMatch(e -> e.type().equals("console.sign-in")
                && TestServer.ADMIN_ID.equals(e.clientId())), "sign-in audited under the admin client");
    }

    @Test
    void signInWhenLinkOlderThanSixtySecondsThenRefused() {
        Http http = start(Map.of("console.enabled", "true"));
        String url = link(http);
        clock.advance(Duration.ofSeconds(61));
        HttpResponse<String> late = open(http, url);
        assertEquals(401, late.statusCode());
        assertTrue(late.body().contains("expired"), late.body());
        assertEquals(401, open(http, url.replaceAll("token=.*", "token=forged")).statusCode());
    }

    @Test
    void sessionWhenEightHoursPassThenEnded() {
        Http http = start(Map.of("console.enabled", "true"));
        String cookie = signIn(http);
        clock.advance(Duration.ofHours(8).plusSeconds(1));
        assertEquals(401, get(http, cookie, "/console/clients").statusCode());
    }

    @Test
    void everyPageWhenServedThenStrictSecurityHeaders() {
        Http http = start(Map.of("console.enabled", "true"));
        String cookie = signIn(http);
        for (String path : List.of("/console/", "/console/apis", "/console/clients", "/console/keys",
                "/console/assets/console.css", "/console/nowhere")) {
            HttpResponse<String> page = get(http, cookie, path);
            String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'")
                    && csp.contains("script-src 'self'") && !csp.contains("unsafe"), path + ": " + csp);
            assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(""), path);
            assertEquals("same-origin", page.headers().firstValue("Referrer-Policy").orElse(""), path);
        }
        assertEquals(401, http.get("/console/clients").statusCode(), "no cookie, no page");
    }

    @Test
    void changeWhenWithoutTheCsrfTokenOrFromAnotherOriginThenRefusedAndNothingChanges() {
        Http http = start(Map.of("console.enabled", "true"));
        String cookie = signIn(http);
        String token = csrf(get(http, cookie, "/console/clients").body());

        HttpResponse<String> none = post(http, cookie, "/console/clients", "name", "Batch", "client_id", "batch");
        assertEquals(403, none.statusCode());
        HttpResponse<String> wrong = post(http, cookie, "/console/clients", "name", "Batch", "client_id", "batch",
                "csrf", token + "x");
        assertEquals(403, wrong.statusCode());
        HttpResponse<String> crossSite = http.send(http.request("/console/clients").header("Cookie", cookie)
                .header("Origin", "https://evil.example").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("name", "Batch", "client_id", "batch", "csrf", token))));
        assertEquals(403, crossSite.statusCode());
        HttpResponse<String> fetchedCrossSite = http.send(http.request("/console/clients").header("Cookie", cookie)
                .header("Sec-Fetch-Site", "cross-site").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("name", "Batch", "client_id", "batch", "csrf", token))));
        assertEquals(403, fetchedCrossSite.statusCode());
        assertEquals(404, http.admin("GET", "/admin/v1/clients/batch", null).statusCode(), "nothing was created");

        String own = server.baseUri().toString().replaceAll("/$", "");
        HttpResponse<String> made = http.send(http.request("/console/clients").header("Cookie", cookie)
                .header("Origin", own).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("name", "Batch", "client_id", "batch", "csrf", token))));
        assertEquals(201, made.statusCode(), made.body());
        assertEquals(200, http.admin("GET", "/admin/v1/clients/batch", null).statusCode());
    }

    @Test
    void clientWhenCreatedThenSecretShownOnceAndWorksAndNameWithMarkupIsText() {
        Http http = start(Map.of("console.enabled", "true"));
        http.createApi("https://jobs.internal", "ES256", "jobs:read", "jobs:write");
        String cookie = signIn(http);
        String token = csrf(get(http, cookie, "/console/clients").body());
        String name = "<script>alert('x')</script>";

        HttpResponse<String> made = post(http, cookie, "/console/clients", "name", name, "client_id", "worker",
                "api", "https://jobs.internal", "scopes", "jobs:read jobs:write", "csrf", token);
        assertEquals(201, made.statusCode(), made.body());
        Matcher secret = Pattern.compile("<code id=\"secret\">([^<]+)</code>").matcher(made.body());
        assertTrue(secret.find(), made.body());
        assertEquals(200, http.token("worker", secret.group(1), "grant_type", "client_credentials",
                "resource", "https://jobs.internal").statusCode(), "the secret shown works");

        for (String path : List.of("/console/", "/console/clients", "/console/clients/worker")) {
            String page = get(http, cookie, path).body();
            assertFalse(page.contains(secret.group(1)), path + " shows the secret again");
            assertFalse(page.contains("<script>alert"), path + " renders the name as markup");
        }
        String detail = get(http, cookie, "/console/clients/worker").body();
        assertTrue(detail.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), detail);
    }

    @Test
    void formWhenTheUseCaseRefusesThenItsMessageBesideTheFieldAndValuesKept() {
        Http http = start(Map.of("console.enabled", "true"));
        String cookie = signIn(http);
        String token = csrf(get(http, cookie, "/console/apis").body());
        HttpResponse<String> refused = post(http, cookie, "/console/apis", "identifier", "not a uri", "name", "Jobs",
                "scopes", "jobs:read", "csrf", token);
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("<span class=\"error\" id=\"identifier-error\">must be an absolute URI"),
                refused.body());
        assertTrue(refused.body().contains("value=\"not a uri\""), "the value entered is kept");
    }

    @Test
    void scopeWhenRemovedThenTheGrantShrinksAndTheChangeIsAuditedAsTheConsoles() {
        Http http = start(Map.of("console.enabled", "true"));
        http.createApi("https://jobs.internal", "ES256", "jobs:read", "jobs:write");
        http.createClient("worker", "https://jobs.internal", "jobs:read", "jobs:write");
        String cookie = signIn(http);
        String token = csrf(get(http, cookie, "/console/clients/worker").body());
        HttpResponse<String> removed = post(http, cookie, "/console/clients/worker/grants/remove-scope",
                "api", "https://jobs.internal", "scope", "jobs:write", "csrf", token);
        assertEquals(200, removed.statusCode(), removed.body());
        JsonObject client = new JsonObject(http.admin("GET", "/admin/v1/clients/worker", null).body());
        assertEquals("[\"jobs:read\"]", client.getJsonArray("grants").getJsonObject(0).getJsonArray("scopes").encode());
        assertTrue(audit.stream().anyMatch(e -> e.type().equals("admin.change") && TestServer.ADMIN_ID.equals(e.clientId())
                && "console".equals(e.details().get("via"))), "audited under the signed-in admin client");
    }

    @Test
    void clientPageWhenAScopeWasNeverIssuedThenItStandsOutAndTheRecordSurvivesARestart() throws Exception {
        Map<String, String> settings = Map.of("console.enabled", "true", "secret.last-used-flush", "1s");
        Http http = start(settings);
        http.createApi("https://jobs.internal", "ES256", "jobs:read", "jobs:write");
        String secret = http.createClient("worker", "https://jobs.internal", "jobs:read", "jobs:write")
                .getString("client_secret");
        assertEquals(200, http.token("worker", secret, "grant_type", "client_credentials", "resource",
                "https://jobs.internal", "scope", "jobs:read").statusCode());
        String cookie = signIn(http);
        Pattern used = Pattern.compile("<li><code>jobs:read</code> <span class=\"hint\">last issued");
        Pattern unused = Pattern.compile("<li class=\"unused\"><code>jobs:write</code> <strong>not issued in 30 days");
        assertTrue(Eventually.within(Duration.ofSeconds(10),
                () -> used.matcher(get(http, cookie, "/console/clients/worker").body()).find()),
                "the scope issued shows when; written within secret.last-used-flush");
        assertTrue(unused.matcher(get(http, cookie, "/console/clients/worker").body()).find());

        server.close();
        server = TestServer.start(dir, settings, clock, audit::addAll);
        Http again = new Http(server.baseUri());
        String page = get(again, signIn(again), "/console/clients/worker").body();
        assertTrue(used.matcher(page).find() && unused.matcher(page).find(), "kept across a restart: " + page);

        clock.advance(Duration.ofDays(31));
        String later = get(again, signIn(again), "/console/clients/worker").body();
        assertTrue(later.contains("<li class=\"unused\"><code>jobs:read</code>"), "unused after 30 days");
    }

    @Test
    void signOutWhenPostedThenTheSessionEndsOnTheServer() {
        Http http = start(Map.of("console.enabled", "true"));
        String cookie = signIn(http);
        String token = csrf(get(http, cookie, "/console/").body());
        HttpResponse<String> out = post(http, cookie, "/console/sign-out", "csrf", token);
        assertEquals(200, out.statusCode());
        assertTrue(out.headers().firstValue("Set-Cookie").orElse("").contains("Max-Age=0"));
        assertEquals(401, get(http, cookie, "/console/").statusCode(), "the old cookie opens nothing");
        assertTrue(audit.stream().anyMatch(e -> e.type().equals("console.sign-out")));
    }

    @Test
    void consoleWhenManagementPortSetThenServedThereOnly() {
        Http http = start(Map.of("console.enabled", "true", "management.port", "0"));
        assertEquals(404, http.get("/console/").statusCode());
        String url = link(http);
        assertTrue(url.startsWith(server.managementUri().toString().replaceAll("/$", "") + "/console/sign-in?"), url);
        HttpResponse<String> in = open(http, url);
        assertEquals(200, in.statusCode(), in.body());
    }
}
