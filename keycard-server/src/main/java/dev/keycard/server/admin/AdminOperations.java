package dev.keycard.server.admin;

import dev.keycard.server.registry.Client;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The admin API's routes (docs/admin-api.md): which path and method run which use case. */
final class AdminOperations {

    /** What a use case answers: status, body (none for 204) and the Location of a created thing. */
    record Result(int status, @Nullable JsonObject body, Optional<String> location) {
        static Result ok(JsonObject body) {
            return new Result(200, body, Optional.empty());
        }

        static Result created(JsonObject body, String location) {
            return new Result(201, body, Optional.of(location));
        }

        static Result noContent() {
            return new Result(204, null, Optional.empty());
        }
    }

    /** One use case, given the request body ({} when none). */
    @FunctionalInterface
    interface Route {
        Result call(JsonObject body);
    }

    private final ApiAdmin apis;
    private final ClientAdmin clients;
    private final KeyAdmin keys;
    private final TokenRevocationAdmin revocations;
    private final AdminJson json;
    private final Clock clock;

    AdminOperations(ApiAdmin apis, ClientAdmin clients, KeyAdmin keys, TokenRevocationAdmin revocations,
                    AdminJson json, Clock clock) {
        this.apis = apis;
        this.clients = clients;
        this.keys = keys;
        this.revocations = revocations;
        this.json = json;
        this.clock = clock;
    }

    Optional<Route> route(HttpMethod method, List<String> path) {
        return Optional.ofNullable(candidates(path).get(method));
    }

    List<HttpMethod> allowed(List<String> path) {
        return new ArrayList<>(candidates(path).keySet());
    }

    private Map<HttpMethod, Route> candidates(List<String> p) {
        Map<HttpMethod, Route> m = new LinkedHashMap<>();
        if (p.isEmpty() || p.stream().anyMatch(String::isEmpty)) {
            return m;
        }
        String kind = p.get(0);
        if (kind.equals("apis") && p.size() == 1) {
            m.put(HttpMethod.GET, b -> Result.ok(AdminJson.items(new JsonArray(apis.list().stream().map(json::api).toList()))));
            m.put(HttpMethod.POST, b -> {
                var api = apis.create(b);
                return Result.created(json.api(api), "/admin/v1/apis/" + encode(api.identifier()));
            });
        } else if (kind.equals("apis") && p.size() == 2) {
            String id = p.get(1);
            m.put(HttpMethod.GET, b -> Result.ok(json.api(apis.get(id))));
            m.put(HttpMethod.PATCH, b -> Result.ok(json.api(apis.update(id, b))));
            m.put(HttpMethod.DELETE, b -> {
                apis.delete(id);
                return Result.noContent();
            });
        } else if (kind.equals("clients")) {
            clientRoutes(p, m);
        } else if (kind.equals("keys") && p.size() == 1) {
            m.put(HttpMethod.GET, b -> Result.ok(keys.list()));
        } else if (kind.equals("keys") && p.size() == 2 && p.get(1).equals("rotate")) {
            m.put(HttpMethod.POST, b -> Result.ok(keys.rotate(b)));
        } else if (kind.equals("keys") && p.size() == 2) {
            m.put(HttpMethod.DELETE, b -> {
                keys.remove(p.get(1));
                return Result.noContent();
            });
        }
        return m;
    }

    private void clientRoutes(List<String> p, Map<HttpMethod, Route> m) {
        if (p.size() == 1) {
            m.put(HttpMethod.GET, b -> Result.ok(AdminJson.items(new JsonArray(
                    clients.list().stream().map(c -> json.client(c, clock.instant())).toList()))));
            m.put(HttpMethod.POST, b -> {
                ClientAdmin.NewSecret created = clients.create(b);
                return Result.created(client(created.client()).put("client_secret", created.value()),
                        "/admin/v1/clients/" + encode(created.client().id().value()));
            });
            return;
        }
        String id = p.get(1);
        if (p.size() == 2) {
            m.put(HttpMethod.GET, b -> Result.ok(client(clients.get(id))));
            m.put(HttpMethod.PATCH, b -> Result.ok(client(clients.update(id, b))));
            m.put(HttpMethod.DELETE, b -> {
                clients.delete(id);
                return Result.noContent();
            });
        } else if (p.size() == 3 && (p.get(2).equals("disable") || p.get(2).equals("enable"))) {
            boolean enable = p.get(2).equals("enable");
            m.put(HttpMethod.POST, b -> Result.ok(client(clients.setEnabled(id, enable, b))));
        } else if (p.size() == 3 && p.get(2).equals("revoke-tokens")) {
            m.put(HttpMethod.POST, b -> Result.ok(revocations.revokeTokens(id, b)));
        } else if (p.size() == 3 && p.get(2).equals("secrets")) {
            m.put(HttpMethod.GET, b -> Result.ok(AdminJson.items(json.secrets(clients.get(id).secrets(),
                    clock.instant()))));
        } else if (p.size() == 4 && p.get(2).equals("secrets") && p.get(3).equals("rotate")) {
            m.put(HttpMethod.POST, b -> {
                ClientAdmin.NewSecret rotated = clients.rotate(id, b);
                return Result.created(new JsonObject().put("secret", json.secret(rotated.secret(), clock.instant()))
                        .put("client_secret", rotated.value()), "/admin/v1/clients/" + encode(id) + "/secrets");
            });
        } else if (p.size() == 4 && p.get(2).equals("secrets")) {
            m.put(HttpMethod.DELETE, b -> {
                clients.deleteSecret(id, p.get(3));
                return Result.noContent();
            });
        } else if (p.size() == 4 && p.get(2).equals("grants")) {
            String api = p.get(3);
            m.put(HttpMethod.PUT, b -> Result.ok(client(clients.putGrant(id, api, b))));
            m.put(HttpMethod.DELETE, b -> {
                clients.deleteGrant(id, api);
                return Result.noContent();
            });
        }
    }

    /**
     * The route's path with its ids as placeholders, as docs/admin-api.md writes them (e.g.
     * {@code /admin/v1/clients/{id}/secrets/rotate}),
     * for the audit trail; {@code path} is one that {@link #route} matched.
     */
    static String template(List<String> path) {
        List<String> t = new ArrayList<>(path);
        String kind = t.get(0);
        if (kind.equals("apis") && t.size() == 2) {
            t.set(1, "{identifier}");
        } else if (kind.equals("keys") && t.size() == 2 && !t.get(1).equals("rotate")) {
            t.set(1, "{kid}");
        } else if (kind.equals("clients") && t.size() >= 2) {
            t.set(1, "{id}");
            if (t.size() == 4 && t.get(2).equals("grants")) {
                t.set(3, "{identifier}");
            } else if (t.size() == 4 && t.get(2).equals("secrets") && !t.get(3).equals("rotate")) {
                t.set(3, "{secret_id}");
            }
        }
        return "/admin/v1/" + String.join("/", t);
    }

    private JsonObject client(Client c) {
        return json.client(c, clock.instant());
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
