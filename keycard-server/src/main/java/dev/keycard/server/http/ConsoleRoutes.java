package dev.keycard.server.http;

import dev.keycard.protocol.Form;
import dev.keycard.protocol.FormCodec;
import dev.keycard.protocol.Scope;
import dev.keycard.server.admin.AdminProblem;
import dev.keycard.server.admin.AdminUseCases;
import dev.keycard.server.admin.ClientAdmin;
import dev.keycard.server.admin.ClientQuery;
import dev.keycard.server.admin.ListQuery;
import dev.keycard.server.admin.Page;
import dev.keycard.server.api.Api;
import dev.keycard.server.console.Console;
import dev.keycard.server.console.ConsolePages;
import dev.keycard.server.console.Html;
import dev.keycard.server.console.ConsolePages.Frame;
import dev.keycard.server.console.ConsoleSessions;
import dev.keycard.server.console.ConsoleSessions.Session;
import dev.keycard.server.event.Audit;
import dev.keycard.server.event.AuditEvent;
import dev.keycard.server.event.RecentEvents;
import dev.keycard.server.registry.Client;
import dev.keycard.server.store.StoreException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console over HTTP (docs/console.md): {@code /console/…} pages rendered by
 * {@link ConsolePages} from the same admin use cases and the same request validation
 * ({@link AdminRequests}) as the admin API.
 *
 * <p>Sign-in by a one-time link ({@code GET /console/sign-in?token=…}), then a session cookie:
 * {@code HttpOnly}, {@code SameSite=Strict} (a cross-site request carries none), {@code Secure}
 * when TLS is on, {@code Path=/console}, 8 hours. Every change is a POST carrying the session's
 * CSRF token, and refused when its {@code Origin} names another host or its {@code Sec-Fetch-Site}
 * is not {@code same-origin}. Every answer carries a
 * strict Content-Security-Policy (scripts and styles from the console itself only, no framing,
 * forms posting only here), {@code X-Content-Type-Options: nosniff}, {@code X-Frame-Options: DENY},
 * {@code Referrer-Policy: same-origin} (with {@code no-referrer}, browsers send
 * {@code Origin: null} on a form's POST) and {@code Cache-Control: no-store}. Changes are audited as
 * {@code admin.change} under the signed-in admin client, with {@code via: console}.
 */
public final class ConsoleRoutes implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRoutes.class);
    static final String PREFIX = "/console";
    static final String COOKIE = "keycard_console";
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final String HTML = "text/html; charset=utf-8";
    /** Audit events on one page: the newest of those kept. */
    private static final int AUDIT_SHOWN = 200;

    /**
     * What a change did, shown on the page it redirects to ({@code ?done=…}): after a change the
     * browser is sent to a GET (303), so a reload repeats nothing. Fixed texts: nothing from the
     * request is echoed.
     */
    private static final Map<String, String> DONE = Map.of(
            "rotated", "A successor key is published for every algorithm in use.",
            "key-removed", "The key is removed from the JWKS; if it was signing, a new key signs now.",
            "api-updated", "The API is changed.",
            "revoked", "Every token issued to this client until now is revoked.",
            "scope-removed", "The scope is removed from the grant.");

    private final Vertx vertx;
    private final RouteSupport support;
    private final ConsoleSessions sessions;
    private final Console console;
    private final Store store;
    private final AdminUseCases cases;
    private final AdminRequests read;
    private final Audit audit;
    private final Clock clock;
    private final boolean secure;
    private final Map<String, Asset> assets;

    private record Asset(String type, byte[] body) {
    }

    /** The store, for the overview's health: its kind and whether a trivial query succeeds. */
    record Store(String kind, BooleanSupplier answers) {
    }

    /** A page's answer: its status and HTML, or a redirect (303 See Other, after a change). */
    private record Answer(int status, String html, Optional<String> location) {
        static Answer page(int status, String html) {
            return new Answer(status, html, Optional.empty());
        }

        static Answer redirect(String location) {
            return new Answer(303, "", Optional.of(location));
        }
    }

    /**
     * @param read the admin API's request validation, so a form is refused with the same messages
     * @param secure whether the console is served over TLS: the cookie is then {@code Secure}
     */
    ConsoleRoutes(RouteSupport support, Console console, AdminUseCases cases, AdminRequests read, Audit audit,
                  Clock clock, boolean secure, Store store) {
        this.vertx = support.vertx();
        this.support = support;
        this.console = console;
        this.sessions = console.sessions();
        this.store = store;
        this.cases = cases;
        this.read = read;
        this.audit = audit;
        this.clock = clock;
        this.secure = secure;
        this.assets = Map.of(PREFIX + "/assets/console.css", asset("console.css", "text/css; charset=utf-8"),
                PREFIX + "/assets/console.js", asset("console.js", "text/javascript; charset=utf-8"));
    }

    private static Asset asset(String name, String type) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console asset " + name + " is missing from the jar");
            }
            return new Asset(type, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(HttpServerRequest request) {
        var headers = request.response().headers();
        headers.set("Content-Security-Policy", CSP).set("X-Content-Type-Options", "nosniff")
                .set("X-Frame-Options", "DENY").set("Referrer-Policy", "same-origin").set("Cache-Control", "no-store");
        String path = request.path();
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) { // e.g. /consoles
            Responses.problem(request, Responses.Problem.of(404, "not-found", "Not found", "no such endpoint"));
            return;
        }
        if (path.equals(PREFIX)) {
            request.response().setStatusCode(308).putHeader("Location", PREFIX + "/").end();
            return;
        }
        Asset asset = assets.get(path);
        if (asset != null && request.method() == HttpMethod.GET) {
            request.response().putHeader("Content-Type", asset.type()).end(io.vertx.core.buffer.Buffer.buffer(asset.body()));
            return;
        }
        if (path.equals(PREFIX + "/sign-in") && request.method() == HttpMethod.GET) {
            String token = request.getParam("token");
            send(request, validLink(token) ? Answer.page(200, ConsolePages.signInForm(token))
                    : Answer.page(401, ConsolePages.signedOut("This sign-in link is not valid.")));
            return;
        }
        if (path.equals(PREFIX + "/sign-in") && request.method() == HttpMethod.POST) {
            BodyReader.read(vertx, request, support.maxBodyBytes(), support.timeoutMillis(),
                    (status, description) -> send(request, Answer.page(status, ConsolePages.signedOut(description))),
                    body -> signIn(request, body));
            return;
        }
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.POST) {
            request.response().putHeader("Allow", "GET, POST");
            send(request, Answer.page(405, ConsolePages.signedOut("The console answers GET and POST only.")));
            return;
        }
        Cookie cookie = request.getCookie(COOKIE);
        if (cookie == null || cookie.getValue().isEmpty()) {
            send(request, Answer.page(401, ConsolePages.signedOut("You are not signed in.")));
            return;
        }
        if (request.method() == HttpMethod.GET) {
            // Read here, on the request's event loop; the page is rendered on a worker.
            Map<String, String> query = new java.util.HashMap<>();
            for (String name : List.of("done", "client", "type", "name", "api", "state", "after")) {
                Optional.ofNullable(request.getParam(name)).ifPresent(v -> query.put(name, v));
            }
            withSession(request, cookie, (session, frame) ->
                    blocking(request, () -> page(frame, path, query::get),
                            answer -> send(request, answer)));
            return;
        }
        // The body is read first, then the session looked up on a worker thread.
        BodyReader.read(vertx, request, support.maxBodyBytes(), support.timeoutMillis(),
                (status, description) -> send(request, Answer.page(status, ConsolePages.signedOut(description))),
                body -> withSession(request, cookie, (session, frame) -> change(request, session, frame, path, body)));
    }

    /** Runs {@code then} with the live session the cookie names, or answers 401. */
    private void withSession(HttpServerRequest request, Cookie cookie,
                             java.util.function.BiConsumer<Session, Frame> then) {
        blocking(request, () -> sessions.find(cookie.getValue()), found -> {
            if (found.isEmpty()) {
                send(request, Answer.page(401, ConsolePages.signedOut("Your session has ended.")));
                return;
            }
            Session session = found.get();
            support.accessLog().caller(request).authenticated(session.clientId());
            then.accept(session, new Frame(sessions.csrfToken(session), session.clientId()));
        });
    }

    private static boolean validLink(@Nullable String token) {
        return token != null && !token.isEmpty() && token.length() <= 100;
    }

    /**
     * Spends a sign-in link (posted from the page its GET showed, so from this origin only: a
     * site cannot sign a browser in to a session of its choosing) and starts the session.
     */
    private void signIn(HttpServerRequest request, byte[] body) {
        Optional<String> token;
        try {
            token = FormCodec.decode(body).get("token");
        } catch (RuntimeException e) {
            token = Optional.empty();
        }
        if (crossSite(request) || token.isEmpty() || !validLink(token.get())) {
            send(request, Answer.page(401, ConsolePages.signedOut("This sign-in link is not valid.")));
            return;
        }
        String secret = token.get();
        blocking(request, () -> sessions.signIn(secret), session -> {
            if (session.isEmpty()) {
                send(request, Answer.page(401, ConsolePages.signedOut(
                        "This sign-in link is unknown, was used already, or has expired.")));
                return;
            }
            audit.emit("console.sign-in", session.get().clientId(), Map.of("expires_at",
                    session.get().expiresAt().toString()));
            request.response().addCookie(cookie(session.get().secret(), ConsoleSessions.SESSION_LIFETIME.toSeconds()));
            send(request, Answer.redirect(PREFIX + "/"));
        });
    }

    /** A request a browser says came from another site ({@code Origin}, {@code Sec-Fetch-Site}). */
    private static boolean crossSite(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        String site = request.getHeader("Sec-Fetch-Site");
        return (origin != null && !sameHost(origin, request.getHeader("Host")))
                || (site != null && !site.equals("same-origin"));
    }

    private Cookie cookie(String value, long maxAgeSeconds) {
        return Cookie.cookie(COOKIE, value).setPath(PREFIX).setHttpOnly(true).setSecure(secure)
                .setSameSite(CookieSameSite.STRICT).setMaxAge(maxAgeSeconds);
    }

    /** A GET inside the console, {@code param} its query's parameters. Blocking: reads the store. */
    private Answer page(Frame f, String path, Function<String, @Nullable String> param) {
        List<String> s;
        try {
            s = segments(path);
        } catch (IllegalArgumentException e) {
            return Answer.page(404, ConsolePages.message(f, "Not found", "There is no such page in the console."));
        }
        Optional<String> notice = Optional.ofNullable(param.apply("done")).map(DONE::get);
        try {
            if (s.isEmpty()) {
                return Answer.page(200, ConsolePages.overview(f, apis().size(), cases.clients().count(), cases.keys().list(),
                        cases.keys().nextRotations(), console.activity().view(), storeHealth()));
            }
            if (s.equals(List.of("apis"))) {
                return Answer.page(200, ConsolePages.apis(f, apis(), ConsolePages.Form.EMPTY, notice));
            }
            if (s.size() == 2 && s.get(0).equals("apis")) {
                return Answer.page(200, ConsolePages.api(f, editable(s.get(1)), ConsolePages.Form.EMPTY));
            }
            if (s.equals(List.of("audit"))) {
                return Answer.page(200, audit(f, param));
            }
            if (s.size() == 3 && s.get(0).equals("keys") && s.get(2).equals("remove")) {
                return Answer.page(200, ConsolePages.confirmRemoveKey(f, key(s.get(1))));
            }
            if (s.equals(List.of("clients"))) {
                return Answer.page(200, clients(f, param));
            }
            if (s.equals(List.of("keys"))) {
                return Answer.page(200, ConsolePages.keys(f, cases.keys().list(), notice));
            }
            if (s.size() == 2 && s.get(0).equals("clients")) {
                return Answer.page(200, client(f, s.get(1), notice));
            }
            if (s.size() == 3 && s.get(0).equals("clients") && s.get(2).equals("delete")) {
                return Answer.page(200, ConsolePages.confirmDelete(f, cases.clients().get(s.get(1))));
            }
        } catch (AdminProblem p) {
            return problem(f, p);
        }
        return Answer.page(404, ConsolePages.message(f, "Not found", "There is no such page in the console."));
    }

    private void change(HttpServerRequest request, Session session, Frame frame, String path, byte[] body) {
        Form form;
        try {
            form = FormCodec.decode(body);
        } catch (RuntimeException e) {
            send(request, Answer.page(400, ConsolePages.message(frame, "Not sent", "The form was not well encoded.")));
            return;
        }
        if (crossSite(request)) {
            send(request, Answer.page(403, ConsolePages.message(frame, "Refused",
                    "The change came from another site.")));
            return;
        }
        if (!sessions.csrfMatches(session, form.get("csrf").orElse(""))) {
            send(request, Answer.page(403, ConsolePages.message(frame, "Refused",
                    "The form is stale or did not come from the console; reload the page and try again.")));
            return;
        }
        if (path.equals(PREFIX + "/sign-out")) {
            blocking(request, () -> {
                sessions.signOut(session);
                return true;
            }, done -> {
                audit.emit("console.sign-out", session.clientId(), Map.of());
                request.response().addCookie(cookie("", 0));
                send(request, Answer.page(200, ConsolePages.signedOut("You have signed out.")));
            });
            return;
        }
        blocking(request, () -> act(frame, path, form), answer -> {
            if (answer.status() < 400) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("method", "POST");
                details.put("path", path);
                details.put("target", path);
                details.put("status", answer.status());
                details.put("via", "console");
                audit.emit("admin.change", session.clientId(), details);
            }
            send(request, answer);
        });
    }

    /** A POST inside the console, its CSRF token checked. Blocking: runs an admin use case. */
    private Answer act(Frame f, String path, Form form) {
        try {
            List<String> s = segments(path);
            if (s.equals(List.of("apis"))) {
                return createApi(f, form);
            }
            if (s.equals(List.of("clients"))) {
                return createClient(f, form);
            }
            if (s.equals(List.of("keys", "rotate"))) {
                cases.keys().rotate(Optional.empty());
                return Answer.redirect(PREFIX + "/keys?done=rotated");
            }
            if (s.size() == 3 && s.get(0).equals("keys") && s.get(2).equals("remove")) {
                cases.keys().remove(s.get(1));
                return Answer.redirect(PREFIX + "/keys?done=key-removed");
            }
            if (s.size() == 2 && s.get(0).equals("apis")) {
                return updateApi(f, editable(s.get(1)), form);
            }
            if (s.size() == 3 && s.get(0).equals("clients")) {
                return clientAction(f, s.get(1), s.get(2), form);
            }
            if (s.size() == 4 && s.get(0).equals("clients") && s.subList(2, 4).equals(List.of("grants", "remove-scope"))) {
                return removeScope(s.get(1), form);
            }
        } catch (AdminProblem p) {
            return problem(f, p);
        } catch (IllegalArgumentException e) { // a path or a scope that is not well formed
            return Answer.page(400, ConsolePages.message(f, "Not done", "The request was not well formed."));
        }
        return Answer.page(404, ConsolePages.message(f, "Not found", "There is no such change in the console."));
    }

    private Answer createApi(Frame f, Form form) {
        JsonObject body = new JsonObject();
        text(form, "identifier").ifPresent(v -> body.put("identifier", v));
        text(form, "name").ifPresent(v -> body.put("name", v));
        body.put("scopes", words(form.get("scopes").orElse("")));
        text(form, "signing_alg").ifPresent(v -> body.put("signing_alg", v));
        Optional<String> lifetime = text(form, "token_lifetime");
        try {
            lifetime.ifPresent(v -> body.put("token_lifetime", Long.parseLong(v)));
            cases.apis().create(read.createApi(body));
        } catch (NumberFormatException e) {
            return formRefused(f, form, AdminProblem.invalid("token_lifetime", "must be a whole number of seconds"), true);
        } catch (AdminProblem p) {
            return formRefused(f, form, p, true);
        }
        return Answer.redirect(PREFIX + "/apis");
    }

    /** Changes an API through the admin API's validation; a refusal shows the form again with its messages. */
    private Answer updateApi(Frame f, Api api, Form form) {
        JsonObject body = new JsonObject();
        text(form, "name").ifPresent(v -> body.put("name", v));
        form.get("scopes").ifPresent(v -> body.put("scopes", words(v)));
        text(form, "signing_alg").ifPresent(v -> body.put("signing_alg", v));
        try {
            if (body.containsKey("scopes") && body.getJsonArray("scopes").isEmpty()) {
                // An empty field would take every scope from every client granted one, in one click.
                throw AdminProblem.invalid("scopes", "give at least one scope; the admin API can take them all away");
            }
            text(form, "token_lifetime").ifPresent(v -> body.put("token_lifetime", Long.parseLong(v)));
            cases.apis().update(api.identifier(), read.updateApi(body));
        } catch (NumberFormatException e) {
            return Answer.page(400, ConsolePages.api(f, api, refused(form,
                    AdminProblem.invalid("token_lifetime", "must be a whole number of seconds"))));
        } catch (AdminProblem p) {
            if (p.kind() == AdminProblem.Kind.NOT_FOUND) {
                throw p;
            }
            return Answer.page(p.kind() == AdminProblem.Kind.CONFLICT ? 409 : 400, ConsolePages.api(f, api, refused(form, p)));
        }
        return Answer.redirect(PREFIX + "/apis?done=api-updated");
    }

    /** An API the console changes: any but the built-in admin API, which the console does not list. */
    private Api editable(String identifier) {
        Api api = cases.apis().get(identifier);
        if (api.builtIn()) {
            throw AdminProblem.notFound("API " + identifier);
        }
        return api;
    }

    private dev.keycard.server.keys.KeyRing.Entry key(String kid) {
        return cases.keys().list().stream().filter(e -> e.key().kid().equals(kid)).findFirst()
                .orElseThrow(() -> AdminProblem.notFound("signing key " + kid));
    }

    /** This node's recent audit events, filtered by the query's {@code client} and {@code type}. */
    private String audit(Frame f, Function<String, @Nullable String> param) {
        String client = Optional.ofNullable(param.apply("client")).map(String::strip).orElse("");
        String type = Optional.ofNullable(param.apply("type")).map(String::strip).orElse("");
        List<AuditEvent> events = console.events().newest(e -> (client.isEmpty() || client.equals(e.clientId()))
                && (type.isEmpty() || type.equals(e.type())), AUDIT_SHOWN);
        return ConsolePages.audit(f, events, console.events().types(), client, type, RecentEvents.CAPACITY);
    }

    /** Times a trivial query to the store (at most {@code database.timeout}: the pool's wait). */
    private ConsolePages.StoreHealth storeHealth() {
        long started = System.nanoTime();
        boolean answers = store.answers().getAsBoolean();
        return new ConsolePages.StoreHealth(store.kind(), answers, (System.nanoTime() - started) / 1e6);
    }

    private Answer createClient(Frame f, Form form) {
        JsonObject body = new JsonObject();
        text(form, "client_id").ifPresent(v -> body.put("client_id", v));
        text(form, "name").ifPresent(v -> body.put("name", v));
        Optional<String> api = text(form, "api");
        JsonArray grants = new JsonArray();
        api.ifPresent(a -> grants.add(new JsonObject().put("api", a).put("scopes", words(form.get("scopes").orElse("")))));
        body.put("grants", grants);
        ClientAdmin.Created created;
        try {
            created = cases.clients().create(read.createClient(body));
        } catch (AdminProblem p) {
            return formRefused(f, form, p, false);
        }
        return Answer.page(201, ConsolePages.secretOnce(f, created.client(),
                created.secret().map(ClientAdmin.NewSecret::value).orElseThrow(), "Client registered"));
    }

    private Answer clientAction(Frame f, String id, String action, Form form) {
        String back = PREFIX + "/clients/" + Html.segment(id);
        switch (action) {
            case "rotate" -> {
                JsonObject body = new JsonObject();
                try {
                    text(form, "grace_period").ifPresent(v -> body.put("grace_period", Long.parseLong(v)));
                } catch (NumberFormatException e) {
                    throw AdminProblem.invalid("grace_period", "must be a whole number of seconds");
                }
                ClientAdmin.NewSecret rotated = cases.clients().rotate(id, read.rotateSecret(body));
                return Answer.page(201, ConsolePages.secretOnce(f, rotated.client(), rotated.value(), "Secret rotated"));
            }
            case "enable", "disable" -> {
                cases.clients().setEnabled(id, action.equals("enable"));
                return Answer.redirect(back);
            }
            case "revoke-tokens" -> {
                cases.revocations().revokeTokens(id);
                return Answer.redirect(back + "?done=revoked");
            }
            case "delete" -> {
                cases.clients().delete(id);
                return Answer.redirect(PREFIX + "/clients");
            }
            default -> {
                return Answer.page(404, ConsolePages.message(f, "Not found", "There is no such change in the console."));
            }
        }
    }

    /** Takes one scope out of a grant (under the client's lock); the grant goes when its last scope does. */
    private Answer removeScope(String id, Form form) {
        cases.clients().removeScope(id, form.get("api").orElse(""), new Scope(form.get("scope").orElse("")));
        return Answer.redirect(PREFIX + "/clients/" + Html.segment(id) + "?done=scope-removed");
    }

    private String client(Frame f, String id, Optional<String> notice) {
        return ConsolePages.client(f, cases.clients().get(id), cases.clients().scopeUsage(id), clock.instant(), notice);
    }

    /** The same page again, the values kept and each message next to its field. */
    private Answer formRefused(Frame f, Form form, AdminProblem p, boolean api) {
        ConsolePages.Form shown = refused(form, p);
        int status = p.kind() == AdminProblem.Kind.CONFLICT ? 409 : 400;
        if (api) {
            return Answer.page(status, ConsolePages.apis(f, apis(), shown, Optional.empty()));
        }
        Page<Client> first = cases.clients().list(ClientQuery.all(ListQuery.first()));
        return Answer.page(status, ConsolePages.clients(f, first.items(), first.nextAfter(),
                ConsolePages.ClientFilter.NONE, apis(), shown));
    }

    /** The values entered (but the CSRF token) and the use case's messages, each by its field. */
    private static ConsolePages.Form refused(Form form, AdminProblem p) {
        Map<String, String> values = new LinkedHashMap<>();
        form.names().stream().filter(n -> !n.equals("csrf")).forEach(n -> values.put(n, form.get(n).orElse("")));
        Map<String, String> errors = new LinkedHashMap<>();
        p.errors().forEach(e -> errors.merge(field(e.field()), e.message(), (a, b) -> a + "; " + b));
        if (errors.isEmpty()) {
            errors.put("", p.detail());
        }
        return new ConsolePages.Form(values, errors);
    }

    /** The form field a use case's message is about ({@code grants[0].scopes} → the scopes field). */
    private static String field(String problemField) {
        if (problemField.startsWith("grants")) {
            return problemField.contains("scope") ? "scopes" : "grants";
        }
        return problemField;
    }

    private static Answer problem(Frame f, AdminProblem p) {
        return switch (p.kind()) {
            case NOT_FOUND -> Answer.page(404, ConsolePages.message(f, "Not found", p.detail()));
            case CONFLICT -> Answer.page(409, ConsolePages.message(f, "Not done", p.detail()));
            case INVALID -> Answer.page(400, ConsolePages.message(f, "Not done", p.errors().isEmpty() ? p.detail()
                    : String.join("; ", p.errors().stream().map(e -> e.field() + ": " + e.message()).toList())));
        };
    }

    private List<Api> apis() {
        return cases.apis().list(new ListQuery(Optional.empty(), ListQuery.MAX_LIMIT)).items().stream()
                .filter(a -> !a.builtIn()).toList();
    }

    /** The first {@link ListQuery#MAX_LIMIT} clients (paging in the console is not built yet). */
    /** A page of clients, filtered by the query's {@code name} prefix, {@code api} and {@code state}. */
    private String clients(Frame f, Function<String, @Nullable String> param) {
        java.util.function.Function<String, String> p = name -> Optional.ofNullable(param.apply(name)).map(String::strip)
                .orElse("");
        String state = p.apply("state");
        state = state.equals("enabled") || state.equals("disabled") ? state : "";
        ConsolePages.ClientFilter filter = new ConsolePages.ClientFilter(p.apply("name"), p.apply("api"), state,
                Optional.of(p.apply("after")).filter(a -> !a.isEmpty()));
        Page<Client> page = cases.clients().list(new ClientQuery(new ListQuery(filter.after(), ListQuery.DEFAULT_LIMIT),
                Optional.of(filter.name()).filter(n -> !n.isEmpty()), Optional.of(filter.api()).filter(a -> !a.isEmpty()),
                state.isEmpty() ? Optional.empty() : Optional.of(state.equals("enabled"))));
        return ConsolePages.clients(f, page.items(), page.nextAfter(), filter, apis(), ConsolePages.Form.EMPTY);
    }

    private static Optional<String> text(Form form, String name) {
        return form.get(name).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static JsonArray words(String text) {
        JsonArray out = new JsonArray();
        for (String w : text.strip().split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** The path below {@code /console/}, decoded, without empty segments. */
    private static List<String> segments(String path) {
        String rest = path.length() > PREFIX.length() ? path.substring(PREFIX.length() + 1) : "";
        return java.util.Arrays.stream(rest.split("/")).filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8)).toList();
    }

    /**
     * Whether a browser's {@code Origin} names the host (and port) the request was sent to. The
     * scheme is not compared: behind a proxy that ends TLS, the browser's https origin reaches
     * Keycard over plain http with the same {@code Host}.
     */
    static boolean sameHost(String origin, @Nullable String host) {
        int scheme = origin.indexOf("://");
        return host != null && scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(host);
    }

    private <T> void blocking(HttpServerRequest request, Callable<T> work, java.util.function.Consumer<T> then) {
        vertx.executeBlocking(work, false).onComplete(done -> {
            if (done.succeeded()) {
                then.accept(done.result());
                return;
            }
            Throwable e = done.cause();
            if (e instanceof StoreException) {
                LOG.warn("console request failed: store unavailable: {}", e.getMessage());
                request.response().putHeader("Retry-After", "5");
                send(request, Answer.page(503, ConsolePages.signedOut("The store does not answer; retry in a moment.")));
            } else {
                LOG.error("console request failed unexpectedly", e);
                send(request, Answer.page(500, ConsolePages.signedOut("The server could not answer.")));
            }
        });
    }

    private static void send(HttpServerRequest request, Answer answer) {
        if (request.response().ended()) {
            return;
        }
        request.response().setStatusCode(answer.status());
        answer.location().ifPresentOrElse(l -> request.response().putHeader("Location", l).end(),
                () -> request.response().putHeader("Content-Type", HTML).end(answer.html()));
    }
}
