package dev.keycard.server.http;

import dev.keycard.server.event.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: every metric in the Prometheus text format, or OpenMetrics when the
 * scraper's {@code Accept} asks for it. Read off the event loop: the JVM's gauges (thread states)
 * take a moment, and a scrape must never delay a token.
 */
final class MetricsRoute {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsRoute.class);

    private final Vertx vertx;
    private final Metrics metrics;

    MetricsRoute(Vertx vertx, Metrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
    }

    void handle(HttpServerRequest request) {
        if (!MetadataRoutes.onlyGet(request)) {
            return;
        }
        String accept = request.getHeader("Accept");
        vertx.executeBlocking(() -> metrics.scrape(accept), false).onComplete(done -> {
            if (done.failed()) {
                LOG.warn("metrics scrape failed: {}", done.cause().toString());
                Responses.problem(request, Responses.Problem.of(500, "internal", "Internal error",
                        "the metrics could not be read"));
                return;
            }
            request.response().setStatusCode(200).putHeader("Content-Type", done.result().contentType())
                    .putHeader("Cache-Control", "no-store").end(done.result().body());
        });
    }
}
