package dev.keycard.server.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.event.AuditEvent;
import dev.keycard.server.testing.Eventually;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.RawHttp;
import dev.keycard.server.testing.TestCertificates;
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
public class ConsoleHttpTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();
    /** The audit writes its events from a background thread: they reach the list shortly after. */
    static final Duration AUDIT_WAIT = Duration.ofSeconds(5);

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

    /**
     * Uses a sign-in link as a browser does: its GET shows a Sign in button, whose POST spends
     * the link. Returns the POST's answer.
     */
    public static HttpResponse<String> open(Http http, String url) {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url)).GET());
        if (page.statusCode() != 200) {
            return page;
        }
        assertTrue(page.body().contains("action=\"/console/sign-in\""), page.body());
        String token = URI.create(url).getRawQuery().replaceFirst("^token=", "");
        return http.send(HttpRequest.newBuilder(URI.create(url).resolve("/console/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)));
    }

    /** Signs in through a new link; returns the session cookie ("name=value"). */
    static String signIn(Http http) {
        HttpResponse<String> in = open(http, link(http));
        assertEquals(303, in.statusCode(), in.body());
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
    void signInWhenLinkOpenedThenStrictSessionCookieAndTheLinkIsSpent() throws Exception {
        Http http = start(Map.of("console.enabled", "true"));
        assertEquals(401, http.get("/console/").statusCode());
        String url = link(http);
        assertTrue(url.startsWith(server.baseUri().toString().replaceAll("/$", "") + "/console/sign-in?token="), url);

        for (int i = 0; i < 2; i++) { // a link preview or a mail scanner fetching it spends nothing
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url)).GET());
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Set-Cookie").isEmpty());
        }
        HttpResponse<String> crossSite = http.send(http.request("/console/sign-in")
                .header("Content-Type", "application/x-www-form-urlencoded").header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.ofString(url.substring(url.indexOf("token=")))));
        assertEquals(401, crossSite.statusCode(), "another site cannot sign a browser in");
        HttpResponse<String> in = open(http, url);
        assertEquals(303, in.statusCode(), in.body());
        assertEquals("/console/", in.headers().firstValue("Location").orElse(""));
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
        assertTrue(Eventually.within(AUDIT_WAIT, () -> audit.stream().anyMatch(e -> e.type().equals("console.sign-in")
                && TestServer.ADMIN_ID.equals(e.clientId()))), "sign-in audited under the admin client");
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
    void scopeWhenRemovedThenTheGrantShrinksAndTheChangeIsAuditedAsTheConsoles() throws Exception {
        Http http = start(Map.of("console.enabled", "true"));
        http.createApi("https://jobs.internal", "ES256", "jobs:read", "jobs:write");
        http.createClient("worker", "https://jobs.internal", "jobs:read", "jobs:write");
        String cookie = signIn(http);
        String token = csrf(get(http, cookie, "/console/clients/worker").body());
        HttpResponse<String> removed = post(http, cookie, "/console/clients/worker/grants/remove-scope",
                "api", "https://jobs.internal", "scope", "jobs:write", "csrf", token);
        assertEquals(303, removed.statusCode(), removed.body());
        assertEquals("/console/clients/worker?done=scope-removed", removed.headers().firstValue("Location").orElse(""));
        assertEquals(400, post(http, cookie, "/console/clients/worker/grants/remove-scope", "api", "https://jobs.internal",
                "scope", "", "csrf", token).statusCode(), "a malformed scope is a 400, not a 500");
        RawHttp.Reply malformed = RawHttp.exchange(server.baseUri().getPort(), ("GET /console/clients/%zz HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nCookie: " + cookie + "\r\nConnection: close\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(404, malformed.status(), "a malformed path is a 404, not a 500");
        JsonObject client = new JsonObject(http.admin("GET", "/admin/v1/clients/worker", null).body());
        assertEquals("[\"jobs:read\"]", client.getJsonArray("grants").getJsonObject(0).getJsonArray("scopes").encode());
        assertTrue(Eventually.within(AUDIT_WAIT, () -> audit.stream().anyMatch(e -> e.type().equals("admin.change")
                && TestServer.ADMIN_ID.equals(e.clientId()) && "console".equals(e.details().get("via")))),
                "audited under the signed-in admin client");
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
    void sessionWhenItsClientIsDisabledOrLosesTheAdminScopeThenEndedForGood() {
        Http http = start(Map.of("console.enabled", "true"));
        String secret = http.createClient("ops", "urn:keycard:admin", "keycard:admin").getString("client_secret");
        java.util.function.Supplier<String> opsCookie = () -> {
            String token = http.accessToken("ops", secret, "grant_type", "client_credentials");
            HttpResponse<String> made = http.admin(token, "POST", "/admin/v1/console/sign-in-links", null);
            assertEquals(201, made.statusCode(), made.body());
            HttpResponse<String> in = open(http, new JsonObject(made.body()).getString("url"));
            assertEquals(303, in.statusCode());
            return in.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        };
        String cookie = opsCookie.get();
        assertEquals(200, get(http, cookie, "/console/").statusCode());
        assertEquals(200, http.admin("POST", "/admin/v1/clients/ops/disable", null).statusCode());
        assertEquals(200, http.admin("POST", "/admin/v1/clients/ops/enable", null).statusCode());
        assertEquals(401, get(http, cookie, "/console/").statusCode(), "enabling it again brings no session back");
        clock.advance(Duration.ofSeconds(2)); // past the second whose tokens disabling revoked

        String second = opsCookie.get();
        assertEquals(204, http.admin("DELETE", "/admin/v1/clients/ops/grants/" + Http.enc("urn:keycard:admin"), null)
                .statusCode());
        assertEquals(200, http.admin("PUT", "/admin/v1/clients/ops/grants/" + Http.enc("urn:keycard:admin"),
                new JsonObject().put("scopes", List.of("keycard:admin"))).statusCode());
        assertEquals(401, get(http, second, "/console/").statusCode(), "granting it again brings no session back");
    }

    @Test
    void everyFieldWhenRenderedThenHasItsLabelAndThePageItsLanguageAndPhoneViewport() {
        Http http = start(Map.of("console.enabled", "true"));
        http.createApi("https://jobs.internal", "ES256", "jobs:read");
        http.createClient("worker", "https://jobs.internal", "jobs:read");
        String cookie = signIn(http);
        Pattern field = Pattern.compile("<(input|select) id=\"([^\"]+)\"");
        int fields = 0;
        for (String path : List.of("/console/apis", "/console/clients", "/console/clients/worker",
                "/console/apis/" + Http.enc("https://jobs.internal"), "/console/audit")) {
            String page = get(http, cookie, path).body();
            assertTrue(page.contains("<html lang=\"en\">") && page.contains("width=device-width"), path);
            Matcher m = field.matcher(page);
            while (m.find()) {
                fields++;
                assertTrue(page.contains("<label for=\"" + m.group(2) + "\">"), path + ": no label for " + m.group(2));
            }
            assertFalse(page.contains("<input name="), path + ": a field without an id cannot be labelled");
        }
        assertTrue(fields >= 15, "the forms' fields were found: " + fields);
    }

    @Test
    void signOutWhenPostedThenTheSessionEndsOnTheServer() throws Exception {
        Http http = start(Map.of("console.enabled", "true"));
        String cookie = signIn(http);
        String token = csrf(get(http, cookie, "/console/").body());
        HttpResponse<String> out = post(http, cookie, "/console/sign-out", "csrf", token);
        assertEquals(200, out.statusCode());
        assertTrue(out.headers().firstValue("Set-Cookie").orElse("").contains("Max-Age=0"));
        assertEquals(401, get(http, cookie, "/console/").statusCode(), "the old cookie opens nothing");
        assertTrue(Eventually.within(AUDIT_WAIT, () -> audit.stream().anyMatch(e -> e.type().equals("console.sign-out"))));
    }

    @Test
    void cookieWhenTheConsolePortSpeaksTlsThenSecureAndOnThePlainManagementPortNot() throws Exception {
        TestCertificates.Issued cert = TestCertificates.selfSigned("keycard", java.nio.file.Files.createDirectories(
                dir.resolve("tls")));
        Map<String, String> tls = Map.of("console.enabled", "true", "tls.cert-file", cert.certFile().toString(),
                "tls.key-file", cert.keyFile().toString());
        server = TestServer.start(dir.resolve("a"), tls, clock, audit::addAll);
        Http https = new Http(server.baseUri(), cert.trustingIt());
        String url = link(https);
        assertTrue(url.startsWith("https://"), url);
        String cookie = open(https, url).headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("Secure"), cookie);
        server.close();

        Map<String, String> withManagement = new java.util.HashMap<>(tls);
        withManagement.put("management.port", "0");
        server = TestServer.start(dir.resolve("b"), withManagement, clock, audit::addAll);
        https = new Http(server.baseUri(), cert.trustingIt());
        String plain = link(https);
        assertTrue(plain.startsWith("http://"), plain);
        String managementCookie = open(https, plain).headers().firstValue("Set-Cookie").orElseThrow();
        assertFalse(managementCookie.contains("Secure"), "a Secure cookie set over http is dropped: " + managementCookie);
    }

    @Test
    void consoleWhenManagementPortSetThenServedThereOnly() {
        Http http = start(Map.of("console.enabled", "true", "management.port", "0"));
        assertEquals(404, http.get("/console/").statusCode());
        String url = link(http);
        assertTrue(url.startsWith(server.managementUri().toString().replaceAll("/$", "") + "/console/sign-in?"), url);
        HttpResponse<String> in = open(http, url);
        assertEquals(303, in.statusCode(), in.body());
    }

    private static final Pattern TOKENS = Pattern.compile("(\\d+) tokens issued and (\\d+) refused by this node");

    @Test
    void overviewWhenTokensIssuedAndRefusedThenCountedWithTheSlowestEndpointsTheNextRotationAndTheStore() {
        Http http = start(Map.of("console.enabled", "true", "metrics.enabled", "true"));
        http.createApi("https://jobs.internal", "ES256", "jobs:read");
        String secret = http.createClient("worker", "https://jobs.internal", "jobs:read").getString("client_secret");
        String cookie = signIn(http);
        Matcher before = TOKENS.matcher(get(http, cookie, "/console/").body());
        assertTrue(before.find());

        for (int i = 0; i < 3; i++) {
            assertEquals(200, http.token("worker", secret, "grant_type", "client_credentials", "resource",
                    "https://jobs.internal").statusCode());
        }
        assertEquals(401, http.token("worker", secret + "x", "grant_type", "client_credentials").statusCode());
        assertEquals(400, http.token("worker", secret, "grant_type", "password").statusCode());

        String page = get(http, cookie, "/console/").body();
        Matcher after = TOKENS.matcher(page);
        assertTrue(after.find(), page);
        assertEquals(3, Long.parseLong(after.group(1)) - Long.parseLong(before.group(1)), "issued since");
        assertEquals(2, Long.parseLong(after.group(2)) - Long.parseLong(before.group(2)), "refused since");
        assertTrue(page.contains("<svg class=\"chart\"") && page.contains("<rect class=\"issued\""), "a bar per minute");
        Matcher token = Pattern.compile("<tr><td><code>/oauth2/token</code></td><td>(\\d+)</td><td>[0-9.]+ ms</td>")
                .matcher(page);
        assertTrue(token.find(), "the token endpoint among the slowest: " + page);
        assertTrue(Long.parseLong(token.group(1)) >= 5, "every token request timed: " + token.group(1));
        assertTrue(page.contains("<code>/admin/*</code>"), "the admin API timed");
        assertTrue(Pattern.compile("<li>ES256: a new key signs from <time").matcher(page).find(), "next rotation shown");
        assertTrue(page.contains("<p id=\"store\">SQLite answers, a trivial query in "), page);

        String metrics = http.get("/metrics").body();
        assertTrue(metrics.contains("keycard_http_server_requests_seconds_count{endpoint=\"/oauth2/token\"}"), metrics);
        assertFalse(metrics.contains("endpoint=\"/oauth2/revocation-events\""), "a stream's duration says nothing");
    }

    @Test
    void auditWhenFilteredByClientOrTypeThenOnlyThoseEventsNewestFirstAndTheFilterEscaped() throws Exception {
        Http http = start(Map.of("console.enabled", "true"));
        http.createApi("https://jobs.internal", "ES256", "jobs:read");
        http.createClient("worker", "https://jobs.internal", "jobs:read");
        String cookie = signIn(http);
        String token = csrf(get(http, cookie, "/console/clients/worker").body());
        assertEquals(303, post(http, cookie, "/console/clients/worker/revoke-tokens", "csrf", token).statusCode());

        String revoked = "<td><code>client.tokens_revoked</code></td><td><a href=\"/console/audit?client=worker\">";
        assertTrue(Eventually.within(Duration.ofSeconds(10),
                () -> get(http, cookie, "/console/audit").body().contains(revoked)), "the audit thread wrote it");
        String all = get(http, cookie, "/console/audit").body();
        assertTrue(all.indexOf(revoked) < all.indexOf("<code>console.sign-in</code>"), "newest first: " + all);
        assertTrue(all.contains("<option>admin.change</option>"), "the types seen are the filter's choices");

        String worker = get(http, cookie, "/console/audit?client=worker").body();
        assertTrue(worker.contains(revoked), worker);
        assertFalse(worker.contains("<code>admin.change</code>"), "another client's events are filtered out");
        String changes = get(http, cookie, "/console/audit?type=admin.change").body();
        assertTrue(changes.contains("<code>admin.change</code>") && !changes.contains("<code>client.tokens_revoked</code>"),
                changes);
        assertTrue(changes.contains("<code>via</code> console"), "its details shown");
        assertTrue(changes.contains("<option selected>admin.change</option>"), "the filter kept");

        String markup = get(http, cookie, "/console/audit?client=" + Http.enc("\"><script>x</script>")).body();
        assertFalse(markup.contains("<script>x"), markup);
        assertTrue(markup.contains("value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\""), markup);
    }

    @Test
    void keyWhenRemovedFromTheConsoleThenAfterAConfirmationItLeavesTheJwksAndANewKeySigns() throws Exception {
        Http http = start(Map.of("console.enabled", "true"));
        http.createApi("https://jobs.internal", "ES256", "jobs:read");
        String secret = http.createClient("worker", "https://jobs.internal", "jobs:read").getString("client_secret");
        String kid = kid(http.accessToken("worker", secret, "grant_type", "client_credentials"));
        String cookie = signIn(http);
        String confirmPath = "/console/keys/" + kid + "/remove";
        assertTrue(get(http, cookie, "/console/keys").body().contains("href=\"" + confirmPath + "\""));

        HttpResponse<String> confirm = get(http, cookie, confirmPath);
        assertEquals(200, confirm.statusCode());
        assertTrue(confirm.body().contains("Remove key <code>" + kid + "</code>?"), confirm.body());
        assertTrue(http.get("/oauth2/jwks").body().contains(kid), "opening the confirmation removes nothing");

        HttpResponse<String> removed = post(http, cookie, confirmPath, "csrf", csrf(confirm.body()));
        assertEquals(303, removed.statusCode(), removed.body());
        assertEquals("/console/keys?done=key-removed", removed.headers().firstValue("Location").orElse(""));
        assertFalse(http.get("/oauth2/jwks").body().contains(kid), "gone from the JWKS");
        String next = kid(http.accessToken("worker", secret, "grant_type", "client_credentials"));
        assertFalse(next.equals(kid), "a new key signs at once");
        assertTrue(Eventually.within(AUDIT_WAIT, () -> audit.stream().anyMatch(e -> e.type().equals("key.removed"))));
        assertEquals(404, get(http, cookie, "/console/keys/no-such-kid/remove").statusCode());
    }

    private static String kid(String jwt) {
        String header = new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[0]),
                java.nio.charset.StandardCharsets.UTF_8);
        return new JsonObject(header).getString("kid");
    }

    @Test
    void apiWhenEditedThenChangedThroughTheUseCaseAndARefusedValueShownBesideItsField() {
        Http http = start(Map.of("console.enabled", "true"));
        http.createApi("https://jobs.internal", "ES256", "jobs:read", "jobs:write");
        http.createClient("worker", "https://jobs.internal", "jobs:read", "jobs:write");
        String cookie = signIn(http);
        String path = "/console/apis/" + Http.enc("https://jobs.internal");
        assertTrue(get(http, cookie, "/console/apis").body().contains("href=\"" + path + "\""));
        String edit = get(http, cookie, path).body();
        assertTrue(edit.contains("value=\"jobs:read jobs:write\"") && edit.contains("<option selected>ES256</option>"),
                "the form shows the API as it is: " + edit);

        HttpResponse<String> saved = post(http, cookie, path, "name", "Jobs", "scopes", "jobs:read",
                "token_lifetime", "600", "signing_alg", "RS256", "csrf", csrf(edit));
        assertEquals(303, saved.statusCode(), saved.body());
        assertEquals("/console/apis?done=api-updated", saved.headers().firstValue("Location").orElse(""));
        JsonObject api = new JsonObject(http.admin("GET", "/admin/v1/apis/" + Http.enc("https://jobs.internal"), null)
                .body());
        assertEquals("Jobs", api.getString("name"));
        assertEquals("[\"jobs:read\"]", api.getJsonArray("scopes").encode());
        assertEquals(600, api.getInteger("token_lifetime"));
        assertEquals("RS256", api.getString("signing_alg"));
        JsonObject client = new JsonObject(http.admin("GET", "/admin/v1/clients/worker", null).body());
        assertEquals("[\"jobs:read\"]", client.getJsonArray("grants").getJsonObject(0).getJsonArray("scopes").encode(),
                "a scope taken from the API is taken from its clients");

        HttpResponse<String> refused = post(http, cookie, path, "name", "Jobs", "scopes", "jobs:read",
                "token_lifetime", "ten", "signing_alg", "RS256", "csrf", csrf(edit));
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("id=\"token_lifetime-error\">must be a whole number of seconds"), refused.body());
        assertTrue(refused.body().contains("value=\"ten\""), "the value entered is kept");
        HttpResponse<String> badAlg = post(http, cookie, path, "scopes", "jobs:read", "signing_alg", "HS256",
                "csrf", csrf(edit));
        assertEquals(400, badAlg.statusCode());
        assertTrue(badAlg.body().contains("id=\"signing_alg-error\">"), badAlg.body());
        HttpResponse<String> noScopes = post(http, cookie, path, "scopes", " ", "csrf", csrf(edit));
        assertEquals(400, noScopes.statusCode(), "an emptied field does not take every scope from every client");
        assertTrue(noScopes.body().contains("id=\"scopes-error\">give at least one scope"), noScopes.body());
        assertEquals("[\"jobs:read\"]", new JsonObject(http.admin("GET", "/admin/v1/apis/" + Http.enc("https://jobs.internal"),
                null).body()).getJsonArray("scopes").encode());
        assertEquals(404, get(http, cookie, "/console/apis/" + Http.enc("urn:keycard:admin")).statusCode(),
                "the built-in admin API is not the console's to change");
    }

    @Test
    void clientsWhenMoreThanAPageThenPagedAndFilteredByNameApiAndState() {
        Http http = start(Map.of("console.enabled", "true"));
        http.createApi("https://jobs.internal", "ES256", "jobs:read");
        for (int i = 0; i < 105; i++) {
            http.createClient(String.format("c-%03d", i), null);
        }
        http.createClient("worker", "https://jobs.internal", "jobs:read");
        assertEquals(200, http.admin("POST", "/admin/v1/clients/c-007/disable", null).statusCode());
        String cookie = signIn(http);
        Pattern row = Pattern.compile("<tr><td><a href=\"/console/clients/([^\"]+)\">");

        String first = get(http, cookie, "/console/clients").body();
        assertEquals(100, rows(row, first).size(), "a page of 100");
        Matcher next = Pattern.compile("<a href=\"(/console/clients\\?after=[^\"]+)\" rel=\"next\">").matcher(first);
        assertTrue(next.find(), first);
        String second = get(http, cookie, next.group(1)).body();
        List<String> rest = rows(row, second);
        assertEquals(7, rest.size(), "the admin client, c-095 to c-104 less those on page one, and worker: " + rest);
        assertTrue(rest.contains("worker") && !rows(row, first).contains("worker"), rest.toString());
        assertFalse(second.contains("rel=\"next\""), "the last page has no next");
        assertTrue(second.contains("First page"));
        assertTrue(get(http, cookie, "/console/").body().contains("<strong>107</strong> clients"), "counted, not paged");

        assertEquals(List.of("c-007"), rows(row, get(http, cookie, "/console/clients?state=disabled").body()));
        assertEquals(List.of("worker"), rows(row, get(http, cookie, "/console/clients?api="
                + Http.enc("https://jobs.internal")).body()));
        assertEquals(10, rows(row, get(http, cookie, "/console/clients?name=" + Http.enc("Client c-00")).body()).size());
        String markup = get(http, cookie, "/console/clients?name=" + Http.enc("\"><b>x")).body();
        assertTrue(markup.contains("value=\"&quot;&gt;&lt;b&gt;x\"") && !markup.contains("<b>x"), "the filter is text");
    }

    private static List<String> rows(Pattern row, String page) {
        List<String> ids = new java.util.ArrayList<>();
        Matcher m = row.matcher(page);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }
}
