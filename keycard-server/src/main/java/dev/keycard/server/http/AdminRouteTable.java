package dev.keycard.server.http;

import dev.keycard.server.admin.AdminProblem;
import dev.keycard.server.admin.AdminUseCases;
import dev.keycard.server.console.ConsoleSessions;
import dev.keycard.server.admin.ClientAdmin;
import dev.keycard.server.admin.ListQuery;
import dev.keycard.server.admin.Page;
import dev.keycard.server.api.Api;
import dev.keycard.server.keys.KeyRing;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientSecret;
import dev.keycard.server.registry.TrustSource;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The admin API's routes (docs/admin-api.md), one line each: method, path template, what it does.
 * The table also answers which methods a path allows (405's {@code Allow}) and which template a
 * path matched (the audit's {@code path}). Where templates overlap ({@code keys/rotate} and
 * {@code keys/{kid}}), the one with more literal segments wins.
 */
final class AdminRouteTable {

    static final String PREFIX = "/admin/v1/";

    /** What a route answers: status, body (none for 204) and the Location of a created thing. */
    record Result(int status, @Nullable JsonObject body, Map<String, String> headers) {
        static Result ok(JsonObject body) {
            return new Result(200, body, Map.of());
        }

        static Result created(JsonObject body, String location) {
            return new Result(201, body, Map.of("Location", location));
        }

        static Result noContent() {
            return new Result(204, null, Map.of());
        }

        /** A page of a list: {@code items}, and the {@code next} link also as RFC 8288 {@code Link}. */
        static Result page(JsonArray items, Optional<String> next) {
            JsonObject body = AdminJson.items(items);
            next.ifPresent(n -> body.put("next", n));
            return new Result(200, body, next.map(n -> Map.of("Link", "<" + n + ">; rel=\"next\"")).orElse(Map.of()));
        }
    }

    /**
     * What a route does with the values of its path ({@code {id}} → …), the body ({} when none)
     * and the query string's parameters (which only lists read).
     */
    @FunctionalInterface
    interface Action {
        Result run(Map<String, String> path, JsonObject body, Map<String, List<String>> query);
    }

    /** What a route does when it also needs the admin client that asks. */
    @FunctionalInterface
    interface AdminAction {
        Result run(String adminId, Map<String, String> path, JsonObject body, Map<String, List<String>> query);
    }

    /** One route. */
    record Route(HttpMethod method, String template, AdminAction action) {
        Route(HttpMethod method, String template, Action action) {
            this(method, template, (admin, p, b, q) -> action.run(p, b, q));
        }

        List<String> segments() {
            return List.of(template.substring(PREFIX.length()).split("/"));
        }
    }

    /** A route found for a request, with the values of its path. */
    record Match(Route route, Map<String, String> path) {
    }

    private final List<Route> routes;

    AdminRouteTable(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /** Every admin route, calling {@code cases}. */
    /**
     * @param console the console's sessions when it is on: {@code console/sign-in-links} makes links
     * @param consoleOrigin where the console is served
     */
    static AdminRouteTable of(AdminUseCases cases, AdminRequests read, AdminJson json, Clock clock,
                              java.util.function.Supplier<String> issuer, Optional<ConsoleSessions> console,
                              java.util.function.Supplier<String> consoleOrigin) {
        ClientAdmin clients = cases.clients();
        List<Route> r = new ArrayList<>();
        r.add(new Route(HttpMethod.GET, PREFIX + "apis", (p, b, q) -> {
            Page<Api> page = cases.apis().list(AdminQueries.page(q));
            return Result.page(new JsonArray(page.items().stream().map(json::api).toList()),
                    AdminQueries.next(PREFIX + "apis", q, page));
        }));
        r.add(new Route(HttpMethod.POST, PREFIX + "apis", (p, b, q) -> {
            var api = cases.apis().create(read.createApi(b));
            return Result.created(json.api(api), PREFIX + "apis/" + encode(api.identifier()));
        }));
        r.add(new Route(HttpMethod.GET, PREFIX + "apis/{identifier}", (p, b, q) ->
                Result.ok(json.api(cases.apis().get(p.get("identifier"))))));
        r.add(new Route(HttpMethod.PATCH, PREFIX + "apis/{identifier}", (p, b, q) ->
                Result.ok(json.api(cases.apis().update(p.get("identifier"), read.updateApi(b))))));
        r.add(new Route(HttpMethod.DELETE, PREFIX + "apis/{identifier}", (p, b, q) -> {
            cases.apis().delete(p.get("identifier"));
            return Result.noContent();
        }));
        r.add(new Route(HttpMethod.GET, PREFIX + "clients", (p, b, q) -> {
            Page<Client> page = clients.list(AdminQueries.clients(q));
            Instant now = clock.instant();
            return Result.page(new JsonArray(page.items().stream().map(c -> json.client(c, now)).toList()),
                    AdminQueries.next(PREFIX + "clients", q, page));
        }));
        r.add(new Route(HttpMethod.POST, PREFIX + "clients", (p, b, q) -> {
            ClientAdmin.Created created = clients.create(read.createClient(b));
            JsonObject body = json.client(created.client(), clock.instant());
            created.secret().ifPresent(s -> body.put("client_secret", s.value()));
            return Result.created(body, PREFIX + "clients/" + encode(created.client().id().value()));
        }));
        r.add(new Route(HttpMethod.GET, PREFIX + "clients/{id}", (p, b, q) ->
                Result.ok(json.client(clients.get(p.get("id")), clock.instant()))));
        r.add(new Route(HttpMethod.PATCH, PREFIX + "clients/{id}", (p, b, q) ->
                Result.ok(json.client(clients.update(p.get("id"), read.updateClient(b)), clock.instant()))));
        r.add(new Route(HttpMethod.DELETE, PREFIX + "clients/{id}", (p, b, q) -> {
            clients.delete(p.get("id"));
            return Result.noContent();
        }));
        for (boolean enable : new boolean[] {false, true}) {
            r.add(new Route(HttpMethod.POST, PREFIX + "clients/{id}/" + (enable ? "enable" : "disable"), (p, b, q) -> {
                read.nothing(b);
                return Result.ok(json.client(clients.setEnabled(p.get("id"), enable), clock.instant()));
            }));
        }
        r.add(new Route(HttpMethod.POST, PREFIX + "clients/{id}/revoke-tokens", (p, b, q) -> {
            read.nothing(b);
            return Result.ok(new JsonObject().put("client_id", p.get("id"))
                    .put("revoked_before", cases.revocations().revokeTokens(p.get("id")).toString()));
        }));
        r.add(new Route(HttpMethod.GET, PREFIX + "clients/{id}/secrets", (p, b, q) -> {
            ListQuery query = AdminQueries.page(q);
            Page<ClientSecret> page = Page.within(clients.get(p.get("id")).secrets(), query, ClientSecret::id);
            return Result.page(json.secrets(p.get("id"), page.items(), clock.instant()),
                    AdminQueries.next(PREFIX + "clients/" + encode(p.get("id")) + "/secrets", q, page));
        }));
        r.add(new Route(HttpMethod.POST, PREFIX + "clients/{id}/secrets/rotate", (p, b, q) -> {
            ClientAdmin.NewSecret rotated = clients.rotate(p.get("id"), read.rotateSecret(b));
            return Result.created(new JsonObject().put("secret", json.secret(p.get("id"), rotated.secret(), clock.instant()))
                    .put("client_secret", rotated.value()), PREFIX + "clients/" + encode(p.get("id")) + "/secrets");
        }));
        r.add(new Route(HttpMethod.DELETE, PREFIX + "clients/{id}/secrets/{secret_id}", (p, b, q) -> {
            clients.deleteSecret(p.get("id"), p.get("secret_id"));
            return Result.noContent();
        }));
        r.add(new Route(HttpMethod.PUT, PREFIX + "clients/{id}/grants/{identifier}", (p, b, q) ->
                Result.ok(json.client(clients.putGrant(p.get("id"), p.get("identifier"), read.grant(b)),
                        clock.instant()))));
        r.add(new Route(HttpMethod.DELETE, PREFIX + "clients/{id}/grants/{identifier}", (p, b, q) -> {
            clients.deleteGrant(p.get("id"), p.get("identifier"));
            return Result.noContent();
        }));
        r.add(new Route(HttpMethod.POST, PREFIX + "clients/{id}/federated-identities", (p, b, q) ->
                Result.created(json.client(clients.addIdentity(p.get("id"), read.addIdentity(b)), clock.instant()),
                        PREFIX + "clients/" + encode(p.get("id")))));
        r.add(new Route(HttpMethod.DELETE, PREFIX + "clients/{id}/federated-identities/{identity_id}", (p, b, q) -> {
            clients.removeIdentity(p.get("id"), p.get("identity_id"));
            return Result.noContent();
        }));
        r.add(new Route(HttpMethod.GET, PREFIX + "trust-sources", (p, b, q) -> {
            Page<TrustSource> page = Page.within(cases.trust().list(), AdminQueries.page(q), TrustSource::name);
            return Result.page(new JsonArray(page.items().stream()
                    .map(t -> AdminJson.trustSource(t, issuer.get())).toList()),
                    AdminQueries.next(PREFIX + "trust-sources", q, page));
        }));
        r.add(new Route(HttpMethod.POST, PREFIX + "trust-sources", (p, b, q) -> {
            TrustSource created = cases.trust().create(read.createTrustSource(b));
            return Result.created(AdminJson.trustSource(created, issuer.get()),
                    PREFIX + "trust-sources/" + encode(created.name()));
        }));
        r.add(new Route(HttpMethod.GET, PREFIX + "trust-sources/{name}", (p, b, q) ->
                Result.ok(AdminJson.trustSource(cases.trust().get(p.get("name")), issuer.get()))));
        r.add(new Route(HttpMethod.DELETE, PREFIX + "trust-sources/{name}", (p, b, q) -> {
            cases.trust().delete(p.get("name"));
            return Result.noContent();
        }));
        r.add(new Route(HttpMethod.POST, PREFIX + "console/sign-in-links", (admin, p, b, q) -> {
            read.nothing(b);
            ConsoleSessions sessions = console.orElseThrow(() -> AdminProblem.notFound(
                    "the console is off; set console.enabled=true to serve it"));
            ConsoleSessions.Link link = sessions.link(admin);
            return new Result(201, new JsonObject().put("url", consoleOrigin.get() + "/console/sign-in?token=" + link.secret())
                    .put("expires_at", link.expiresAt().toString()), Map.of());
        }));
        r.add(new Route(HttpMethod.GET, PREFIX + "keys", (p, b, q) -> {
            Page<KeyRing.Entry> page = Page.within(cases.keys().list(), AdminQueries.page(q), e -> e.key().kid());
            return Result.page(json.keys(page.items()), AdminQueries.next(PREFIX + "keys", q, page));
        }));
        r.add(new Route(HttpMethod.POST, PREFIX + "keys/rotate", (p, b, q) ->
                Result.ok(json.next(cases.keys().rotate(read.rotateKeys(b))))));
        r.add(new Route(HttpMethod.DELETE, PREFIX + "keys/{kid}", (p, b, q) -> {
            cases.keys().remove(p.get("kid"));
            return Result.noContent();
        }));
        return new AdminRouteTable(r);
    }

    /** The route for {@code method} at {@code segments} (the decoded path after {@value #PREFIX}). */
    Optional<Match> match(HttpMethod method, List<String> segments) {
        for (Route route : mostSpecific(segments)) {
            if (route.method().equals(method)) {
                return Optional.of(new Match(route, values(route.segments(), segments)));
            }
        }
        return Optional.empty();
    }

    /** The methods routes at {@code segments} answer: empty when no route has the path at all. */
    List<HttpMethod> allowed(List<String> segments) {
        return mostSpecific(segments).stream().map(Route::method).toList();
    }

    /** The routes whose template matches, keeping those with the most literal segments. */
    private List<Route> mostSpecific(List<String> segments) {
        List<Route> best = new ArrayList<>();
        int bestLiterals = -1;
        for (Route route : routes) {
            List<String> template = route.segments();
            if (!matches(template, segments)) {
                continue;
            }
            int literals = (int) template.stream().filter(t -> !t.startsWith("{")).count();
            if (literals > bestLiterals) {
                best.clear();
                bestLiterals = literals;
            }
            if (literals == bestLiterals) {
                best.add(route);
            }
        }
        return best;
    }

    private static boolean matches(List<String> template, List<String> segments) {
        if (template.size() != segments.size()) {
            return false;
        }
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            String s = segments.get(i);
            if (s.isEmpty() || (!t.startsWith("{") && !t.equals(s))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> values(List<String> template, List<String> segments) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            if (t.startsWith("{")) {
                values.put(t.substring(1, t.length() - 1), segments.get(i));
            }
        }
        return values;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
