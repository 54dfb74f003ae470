package dev.keycard.server.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches by exact path, then by path prefix (the admin API's, the console's). Anything a route throws
 * becomes a 500 without a stack trace in the response; a route is expected never to throw. A
 * request without exactly one valid {@code Host} is answered 400 before any route sees it
 * (RFC 9112 §3.2: an HTTP/1.1 request without one, or any request with two or an invalid one).
 */
final class Router implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final Map<String, Handler<HttpServerRequest>> routes;
    /** Path prefixes and their handlers, tried in order after the exact paths. */
    private final Map<String, Handler<HttpServerRequest>> prefixes;

    /** Exact paths only. */
    Router(Map<String, Handler<HttpServerRequest>> routes) {
        this(routes, Map.of());
    }

    /** Exact paths, then prefixes ({@code /admin/}, {@code /console}) in the order of {@code prefixes}. */
    Router(Map<String, Handler<HttpServerRequest>> routes, Map<String, Handler<HttpServerRequest>> prefixes) {
        this.routes = Map.copyOf(routes);
        this.prefixes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(prefixes));
    }

    /** {@code uri-host [ ":" port ]} (RFC 9112 §3.2, RFC 3986 §3.2.2); empty is allowed. */
    private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.vV]+]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(:[0-9]*)?");

    @Override
    public void handle(HttpServerRequest request) {
        try {
            List<String> hosts = request.headers().getAll("Host");
            if (hosts.size() > 1 || (hosts.isEmpty() && request.version() != HttpVersion.HTTP_1_0)
                    || (hosts.size() == 1 && !HOST.matcher(hosts.get(0)).matches())) {
                Responses.closeAfter(request, () -> Responses.problem(request, Responses.Problem.of(400, "malformed",
                        "Bad request", "send exactly one valid Host header (RFC 9112 section 3.2)")));
                return;
            }
            String path = request.path();
            Handler<HttpServerRequest> route = routes.get(path);
            if (route == null) {
                for (Map.Entry<String, Handler<HttpServerRequest>> p : prefixes.entrySet()) {
                    if (path.startsWith(p.getKey())) {
                        route = p.getValue();
                        break;
                    }
                }
            }
            if (route == null) {
                Responses.problem(request, Responses.Problem.of(404, "not-found", "Not found", "no such endpoint"));
                return;
            }
            route.handle(request);
        } catch (RuntimeException e) {
            LOG.error("request to {} failed unexpectedly", request.path(), e);
            if (!request.response().ended()) {
                Responses.problem(request, Responses.Problem.of(500, "internal", "Internal error",
                        "the server could not answer"));
            }
        }
    }
}
