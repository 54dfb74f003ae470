package dev.keycard.server.http;

import dev.keycard.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP runtime (Vert.x): its event loops, one per core unless {@code http.event-loops} says,
 * and a small pool of workers for what blocks (the store). The rest of the server knows nothing
 * of Vert.x: it starts one of these, hands it to the routes, and closes it.
 */
public final class HttpRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRuntime.class);

    private final Vertx vertx;
    private final Duration shutdownGrace;

    private HttpRuntime(Vertx vertx, Duration shutdownGrace) {
        this.vertx = vertx;
        this.shutdownGrace = shutdownGrace;
    }

    /** Starts the event loops and workers {@code config} asks for. */
    public static HttpRuntime start(ServerConfig config) {
        int loops = config.eventLoops() > 0 ? config.eventLoops() : Runtime.getRuntime().availableProcessors();
        return new HttpRuntime(Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(8)),
                config.shutdownGrace());
    }

    /** What the routes need: this runtime, where requests come from, the access log, the body limits. */
    public RouteSupport routeSupport(ServerConfig config) {
        ClientAddresses addresses = new ClientAddresses(config.trustedProxies());
        return new RouteSupport(vertx, addresses, AccessLog.of(config.accessLog(), addresses), config.maxBodyBytes(),
                config.requestTimeout().toMillis(), new ClientCertificateSource(config.tlsTrustedProxies()));
    }

    Vertx vertx() {
        return vertx;
    }

    /**
     * Stops serving gracefully: every port refuses new connections, requests in flight get
     * {@code http.shutdown-grace} ({@link HttpServers}), then everything closes.
     */
    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture()
                    .get(shutdownGrace.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("HTTP did not stop cleanly: {}", e.toString());
        }
    }
}
