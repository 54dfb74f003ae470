package dev.keycard.server.http;

import dev.keycard.server.http.Responses.Problem;
import dev.keycard.server.admin.AdminProblem;
import dev.keycard.server.admin.AdminUseCases;
import dev.keycard.server.console.Console;
import dev.keycard.server.client.SecretUsage;
import dev.keycard.server.keys.KeyManager;
import dev.keycard.server.registry.Registry;
import dev.keycard.server.revoke.Revocations;
import java.util.function.Supplier;
import dev.keycard.server.event.Audit;
import dev.keycard.server.store.StoreException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API over HTTP (docs/admin-api.md): checks the bearer token on the event loop, reads
 * the JSON body within limits, runs the use case on a worker thread (it blocks on the store), and
 * writes the result or an RFC 9457 problem. Every change that succeeds is audited
 * ({@code admin.change}: method, path template, path, status and the admin client).
 */
public final class AdminRoutes implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
    private static final String PREFIX = AdminRouteTable.PREFIX;

    private final Vertx vertx;
    private final RouteSupport support;
    private final AdminAuth auth;
    private final AdminRouteTable table;
    private final Audit audit;

    AdminRoutes(RouteSupport support, AdminAuth auth, AdminRouteTable table, Audit audit) {
        this.vertx = support.vertx();
        this.support = support;
        this.auth = auth;
        this.table = table;
        this.audit = audit;
    }

    /**
     * The admin API over HTTP, calling the use cases of {@code e}.
     *
     * @param maxLifetime {@code token.max-lifetime}, the longest token lifetime an API may ask for
     * @param allowHttpJwksUri {@code client-assertion.allow-http-jwks-uri}: a client's jwks_uri may be http
     */
    public static AdminRoutes of(RouteSupport support, Endpoints e, Duration maxLifetime, boolean allowHttpJwksUri) {
        return new AdminRoutes(support, new AdminAuth(e.keys(), e.registry(), e.issuer(), e.clock(), e.revocations()),
                AdminRouteTable.of(e.admin(), new AdminRequests(maxLifetime, allowHttpJwksUri), new AdminJson(e.usage(), e.registry()),
                        e.clock(), e.issuer(), e.console().map(Console::sessions), e.consoleOrigin()), e.audit());
    }

    @Override
    public void handle(HttpServerRequest request) {
        AdminAuth.Verdict verdict = auth.check(request.getHeader("Authorization"));
        if (verdict instanceof AdminAuth.Verdict.Refused refused) {
            Responses.problem(request, refused.problem());
            return;
        }
        String adminId = ((AdminAuth.Verdict.Allowed) verdict).clientId();
        support.accessLog().caller(request).authenticated(adminId);
        String path = request.path();
        if (!path.startsWith(PREFIX)) {
            Responses.problem(request, Problem.of(404, "not-found", "Not found", "no such endpoint"));
            return;
        }
        List<String> segments;
        try {
            segments = List.of(path.substring(PREFIX.length()).split("/", -1)).stream()
                    .map(AdminRoutes::decodeSegment).toList();
        } catch (IllegalArgumentException e) {
            Responses.problem(request, Problem.of(400, "malformed", "Bad request", "the path is not well encoded"));
            return;
        }
        Optional<AdminRouteTable.Match> match = table.match(request.method(), segments);
        if (match.isEmpty()) {
            List<HttpMethod> allowed = table.allowed(segments);
            Responses.problem(request, allowed.isEmpty()
                    ? Problem.of(404, "not-found", "Not found", "no such endpoint")
                    : Problem.of(405, "method-not-allowed", "Method not allowed", "use " + allowed)
                            .withHeader("Allow", String.join(", ", allowed.stream().map(HttpMethod::name).toList())));
            return;
        }
        AdminRouteTable.Match found = match.get();
        Optional<Map<String, Object>> change = request.method() == HttpMethod.GET ? Optional.empty()
                : Optional.of(change(request.method(), found.route().template(), path));
        readJson(request, body -> run(request, () -> found.route().action().run(adminId, found.path(), body, query(request)), change, adminId));
    }

    private static Map<String, Object> change(HttpMethod method, String template, String path) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("method", method.name());
        details.put("path", template);
        details.put("target", path);
        return details;
    }

    private void run(HttpServerRequest request, Callable<AdminRouteTable.Result> work,
                     Optional<Map<String, Object>> change, String adminId) {
        vertx.executeBlocking(work, false).onComplete(done -> {
            if (done.succeeded()) {
                AdminRouteTable.Result r = done.result();
                change.ifPresent(details -> {
                    details.put("status", r.status());
                    audit.emit("admin.change", adminId, details);
                });
                request.response().setStatusCode(r.status());
                r.headers().forEach((name, value) -> request.response().putHeader(name, value));
                if (r.body() == null) {
                    request.response().putHeader("Cache-Control", "no-store").end();
                } else {
                    Responses.noStoreJson(request, r.status(), r.body().encode());
                }
                return;
            }
            Throwable e = done.cause();
            if (e instanceof AdminProblem p) {
                Responses.problem(request, problem(p));
            } else if (e instanceof StoreException se && se.kind() == StoreException.Kind.CONFLICT) {
                Responses.problem(request, Problem.of(409, "conflict", "Conflict",
                        "the change conflicts with the registry's current state (a concurrent change?); reload and retry"));
            } else if (e instanceof StoreException se && se.kind() == StoreException.Kind.INVALID_DATA) {
                Responses.problem(request, Problem.of(400, "validation", "Invalid request",
                        "the store refused a value (for example a NUL character)"));
            } else if (e instanceof StoreException) {
                LOG.warn("admin request failed: store unavailable: {}", e.getMessage());
                Responses.problem(request, Problem.of(503, "unavailable", "Service unavailable",
                        "the store does not answer; retry later").withHeader("Retry-After", "5"));
            } else {
                LOG.error("admin request failed unexpectedly", e);
                Responses.problem(request, Problem.of(500, "internal", "Internal error", "the server could not answer"));
            }
        });
    }

    /** The RFC 9457 problem of a use case's refusal. */
    static Problem problem(AdminProblem p) {
        return switch (p.kind()) {
            case INVALID -> new Problem("urn:keycard:problem:validation", "Invalid request", 400, p.detail(),
                    p.errors().stream().map(e -> new Responses.FieldError(e.field(), e.message())).toList(), Map.of());
            case NOT_FOUND -> Problem.of(404, "not-found", "Not found", p.detail());
            case CONFLICT -> Problem.of(409, "conflict", "Conflict", p.detail());
        };
    }

    private static Map<String, List<String>> query(HttpServerRequest request) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        request.params().names().forEach(name -> query.put(name, request.params().getAll(name)));
        return query;
    }

    private static String decodeSegment(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Reads an optional JSON object body: none is {}, anything else must be application/json. */
    private void readJson(HttpServerRequest request, Consumer<JsonObject> then) {
        BodyReader.read(vertx, request, support.maxBodyBytes(), support.timeoutMillis(),
                (status, description) -> Responses.problem(request, Problem.of(status,
                        status == 413 ? "too-large" : status == 408 ? "timeout" : "malformed",
                        status == 413 ? "Payload too large" : status == 408 ? "Request timeout" : "Bad request",
                        description)),
                bytes -> {
                    if (bytes.length == 0) {
                        then.accept(new JsonObject());
                        return;
                    }
                    String type = request.getHeader("Content-Type");
                    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                        Responses.problem(request, Problem.of(415, "unsupported-media-type",
                                "Unsupported media type", "send application/json"));
                        return;
                    }
                    JsonObject body;
                    try {
                        body = StrictJson.object(bytes);
                    } catch (StrictJson.Invalid e) {
                        Responses.problem(request, e.lenientWouldRead()
                                ? problem(AdminProblem.invalid("body", e.getMessage()))
                                : Problem.of(400, "malformed", "Bad request", e.getMessage()));
                        return;
                    }
                    then.accept(body);
                });
    }
}
