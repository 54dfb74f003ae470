package dev.keycard.server.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches by exact path, then by the admin prefix if there is one. Anything a route throws
 * becomes a 500 without a stack trace in the response; a route is expected never to throw.
 */
final class Router implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final Map<String, Handler<HttpServerRequest>> routes;
    private final String prefix;
    private final @Nullable Handler<HttpServerRequest> prefixed;

    /** Exact paths only. */
    Router(Map<String, Handler<HttpServerRequest>> routes) {
        this.routes = Map.copyOf(routes);
        this.prefix = "";
        this.prefixed = null;
    }

    Router(Map<String, Handler<HttpServerRequest>> routes, String prefix, Handler<HttpServerRequest> prefixed) {
        this.routes = Map.copyOf(routes);
        this.prefix = prefix;
        this.prefixed = prefixed;
    }

    @Override
    public void handle(HttpServerRequest request) {
        try {
            String path = request.path();
            Handler<HttpServerRequest> route = routes.get(path);
            if (route == null && prefixed != null && path.startsWith(prefix)) {
                route = prefixed;
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
