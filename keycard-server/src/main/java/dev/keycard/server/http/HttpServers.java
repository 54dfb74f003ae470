package dev.keycard.server.http;

import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.event.Metrics;
import dev.keycard.server.introspect.IntrospectionJwt;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds Keycard's HTTP endpoints, one server per event loop sharing the port, so every core
 * accepts and answers; and, when {@code management.port} is set, health and metrics on a port of
 * their own, which one server on one event loop is plenty for.
 */
public final class HttpServers {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServers.class);

    private HttpServers() {
    }

    /**
     * Binds the main port: the protocol endpoints and the admin API, and health and metrics while
     * {@code management.port} is off (else {@link #bindManagement} serves them).
     */
    public static void bind(HttpRuntime runtime, ServerConfig config, int wanted, Endpoints endpoints)
            throws Exception {
        bind(runtime, config, wanted, routes(runtime.routeSupport(config), config, endpoints));
    }

    private static Handler<HttpServerRequest> routes(RouteSupport support, ServerConfig config, Endpoints e) {
        Vertx vertx = support.vertx();
        TokenRoute token = new TokenRoute(support, e.tokens());
        MetadataRoutes metadata = new MetadataRoutes(e.issuer(), e.tokens().grantTypes(), e.keys(),
                config.keys().jwksMaxAge(), e.tokens().dpop().algorithms(),
                config.receivesClientCertificates());
        AdminRoutes admin = AdminRoutes.of(support, e, config.tokenMaxLifetime(), config.assertions().allowHttpJwksUri());
        Map<String, Handler<HttpServerRequest>> paths = new HashMap<>(Map.of(
                "/oauth2/token", token,
                "/oauth/token", token,
                "/oauth2/introspect", new IntrospectionRoute(support, e.introspection(),
                        new IntrospectionJwt(e.keys(), e.issuer())),
                "/oauth2/revoke", new RevocationRoute(support, e.revocation()),
                "/oauth2/revocation-events", new RevocationEventsRoute(support, e.authenticator(),
                        e.revocationStream(), e.clock()),
                "/oauth2/jwks", metadata::jwks,
                // Not /.well-known/openid-configuration: Keycard is no OpenID Provider, and Spring's
                // issuer-uri discovery moves on to RFC 8414 only when that path answers 4xx.
                "/.well-known/oauth-authorization-server", metadata::metadata));
        if (config.managementPort().isEmpty()) {
            paths.putAll(managementRoutes(vertx, config, () -> true, e.storeAnswers(), e.metrics()));
        }
        // The stream of revocation events stays open for hours: its duration says nothing.
        paths.replaceAll((path, h) -> path.equals("/oauth2/revocation-events") ? h : timed(e.metrics(), path, h));
        Map<String, Handler<HttpServerRequest>> prefixes = new java.util.LinkedHashMap<>();
        prefixes.put("/admin/", timed(e.metrics(), "/admin/*", admin));
        if (config.managementPort().isEmpty()) {
            console(support, config, e, config.tls().isPresent())
                    .ifPresent(c -> prefixes.put(ConsoleRoutes.PREFIX, timed(e.metrics(), ConsoleRoutes.PREFIX + "/*", c)));
        }
        return support.accessLog().around(new Router(paths, prefixes));
    }

    /**
     * {@code handler}, each request timed from its arrival to the end of its response as
     * {@code keycard_http_server_requests_seconds{endpoint=…}}: the console's slowest endpoints.
     */
    private static Handler<HttpServerRequest> timed(Metrics metrics, String endpoint, Handler<HttpServerRequest> handler) {
        LongConsumer timer = metrics.endpoint(endpoint);
        return request -> {
            long arrived = System.nanoTime();
            request.response().bodyEndHandler(v -> timer.accept(System.nanoTime() - arrived));
            handler.handle(request);
        };
    }

    /**
     * The console, when {@code console.enabled}: on the management port if there is one, else on
     * the main port. {@code tls}: whether that port speaks TLS (the management port never does),
     * so its session cookie is {@code Secure}.
     */
    private static Optional<Handler<HttpServerRequest>> console(RouteSupport support, ServerConfig config, Endpoints e,
                                                                boolean tls) {
        return e.console().map(console -> new ConsoleRoutes(support, console, e.admin(),
                new AdminRequests(config.tokenMaxLifetime(), config.assertions().allowHttpJwksUri()), e.audit(), e.clock(),
                tls, new ConsoleRoutes.Store(
                        config.storeUrl().filter(u -> u.startsWith("jdbc:postgresql:")).isPresent() ? "PostgreSQL" : "SQLite",
                        e.storeAnswers())));
    }

    /**
     * Binds {@code /health/live}, {@code /health/ready} and (when {@code metrics.enabled})
     * {@code /metrics} on {@code management.port}, if it is set: one server on one event loop,
     * with the main servers' limits and graceful stop. Call it after the main port is bound.
     *
     * @return the bound management port, or empty when {@code management.port} is off
     */
    public static OptionalInt bindManagement(HttpRuntime runtime, ServerConfig config, BooleanSupplier loaded,
                                             Endpoints e) throws Exception {
        Vertx vertx = runtime.vertx();
        if (config.managementPort().isEmpty()) {
            return OptionalInt.empty();
        }
        Map<String, Handler<HttpServerRequest>> paths = managementRoutes(vertx, config, loaded, e.storeAnswers(),
                e.metrics());
        RouteSupport support = runtime.routeSupport(config);
        Optional<Handler<HttpServerRequest>> console = console(support, config, e, false);
        paths.replaceAll((path, h) -> timed(e.metrics(), path, h));
        Handler<HttpServerRequest> router = console.isPresent() // probes stay out of the access log
                ? new Router(paths, Map.of(ConsoleRoutes.PREFIX,
                        support.accessLog().around(timed(e.metrics(), ConsoleRoutes.PREFIX + "/*", console.get()))))
                : new Router(paths);
        int port = deploy(vertx, options(config, config.managementHost()), config.managementPort().getAsInt(),
                config, router, 1, new java.util.ArrayList<>());
        LOG.info("management endpoints on http://{}:{} (/health/live, /health/ready{}{})", config.managementHost(),
                port, paths.containsKey("/metrics") ? ", /metrics" : "", console.isPresent() ? ", /console" : "");
        return OptionalInt.of(port);
    }

    private static Map<String, Handler<HttpServerRequest>> managementRoutes(Vertx vertx, ServerConfig config,
            BooleanSupplier loaded, BooleanSupplier storeAnswers, Metrics metrics) {
        HealthRoutes health = new HealthRoutes(vertx, loaded, storeAnswers);
        Map<String, Handler<HttpServerRequest>> paths = new HashMap<>(Map.of(
                "/health/live", health::live,
                "/health/ready", health::ready));
        if (config.metricsEnabled()) {
            paths.put("/metrics", new MetricsRoute(vertx, metrics)::handle);
        }
        return paths;
    }

    /**
     * The port to bind: the configured one, or for {@code 0} a free one picked now. Servers of one
     * Vert.x instance share a port only when they ask for the same number, and the issuer must be
     * known before the first request (a race with another process for the port fails the start).
     */
    public static int resolvePort(ServerConfig config) throws java.io.IOException {
        return config.port() == 0 ? freePort(config.host()) : config.port();
    }

    /** Binds {@code handler} on {@code port} with one server per event loop. */
    private static void bind(HttpRuntime runtime, ServerConfig config, int wanted, Handler<HttpServerRequest> handler)
            throws Exception {
        Vertx vertx = runtime.vertx();
        int loops = config.eventLoops() > 0 ? config.eventLoops() : Runtime.getRuntime().availableProcessors();
        HttpServerOptions options = options(config, config.host());
        if (config.tls().isPresent()) {
            java.util.Optional<String> problem = TlsFiles.problem(vertx, config.tls().get());
            if (problem.isPresent()) {
                throw new dev.keycard.server.config.ConfigException("tls.cert-file / tls.key-file: " + problem.get());
            }
            withTls(options, config.tls().get());
        }
        List<HttpServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
        int port = deploy(vertx, options, wanted, config, handler, loops, servers);
        config.tls().ifPresent(tls -> TlsFiles.watch(vertx, tls, servers));
        LOG.info("listening on {}://{}:{} ({} event loops{})", config.scheme(), config.host(), port, loops,
                config.tls().map(t -> ", TLS 1.2 and 1.3" + (t.wantClientCert() ? ", client certificates wanted" : ""))
                        .orElse(""));
    }

    /**
     * TLS 1.2 and 1.3 only (RFC 8996 retires 1.0 and 1.1), the certificate chain and key from
     * their PEM files, and, when wanted, client certificates of the configured authorities
     * (asked for, not required: a client authenticates some other way without one).
     */
    private static void withTls(HttpServerOptions options, ServerConfig.Tls tls) {
        options.setSsl(true)
                .setKeyCertOptions(TlsFiles.keyCert(tls))
                .setEnabledSecureTransportProtocols(TlsFiles.PROTOCOLS)
                .setUseAlpn(false);
        if (tls.wantClientCert()) {
            options.setClientAuth(io.vertx.core.http.ClientAuth.REQUEST).setTrustOptions(TlsFiles.trust(tls));
        }
    }

    private static HttpServerOptions options(ServerConfig config, String host) {
        return new HttpServerOptions()
                .setHost(host)
                .setMaxHeaderSize(config.maxHeaderBytes())
                .setMaxInitialLineLength(4096)
                .setIdleTimeout((int) config.idleTimeout().toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setCompressionSupported(false)
                .setHttp2ClearTextEnabled(false)
                .setTcpNoDelay(true);
    }

    /** Deploys {@code instances} servers on {@code wanted} and returns the port they bound. */
    private static int deploy(Vertx vertx, HttpServerOptions options, int wanted, ServerConfig config,
                              Handler<HttpServerRequest> handler, int instances, List<HttpServer> servers)
            throws Exception {
        Set<Integer> bound = ConcurrentHashMap.newKeySet();
        // The body deadline a little after http.request-timeout, so a route reading the body answers 408 first.
        long bodyMillis = config.requestTimeout().toMillis() + 2_000;
        try {
            vertx.deployVerticle(() -> new HttpVerticle(options, wanted, config.shutdownGrace(),
                            config.headerTimeout().toMillis(), bodyMillis, handler, bound, servers),
                            new DeploymentOptions().setInstances(instances))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (options.isSsl() && config.tls().isPresent()) { // the key and chain are read here first
                throw new dev.keycard.server.config.ConfigException("tls.cert-file / tls.key-file: "
                        + config.tls().get().certFile() + " and " + config.tls().get().keyFile()
                        + " do not make a TLS server: " + e.getCause());
            }
            throw e;
        }
        if (bound.size() != 1) {
            throw new IllegalStateException("HTTP servers bound different ports: " + bound);
        }
        return bound.iterator().next();
    }

    private static int freePort(String host) throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
    }

    /**
     * One HTTP server on one event loop. Undeployed (when Vert.x closes), it shuts down gracefully:
     * the port stops accepting, idle connections close, each connection in a request closes when
     * its response is sent, and whatever is still open after {@code grace} is closed.
     */
    private static final class HttpVerticle extends VerticleBase {
        private final HttpServerOptions options;
        private final int port;
        private final Duration grace;
        private final long headerTimeoutMillis;
        private final long bodyTimeoutMillis;
        private final Handler<HttpServerRequest> handler;
        private final Set<Integer> bound;
        private final List<HttpServer> servers;
        private @Nullable HttpServer server;

        HttpVerticle(HttpServerOptions options, int port, Duration grace, long headerTimeoutMillis,
                     long bodyTimeoutMillis, Handler<HttpServerRequest> handler, Set<Integer> bound,
                     List<HttpServer> servers) {
            this.options = options;
            this.port = port;
            this.grace = grace;
            this.headerTimeoutMillis = headerTimeoutMillis;
            this.bodyTimeoutMillis = bodyTimeoutMillis;
            this.handler = handler;
            this.bound = bound;
            this.servers = servers;
        }

        @Override
        public Future<?> stop() {
            HttpServer s = server;
            return s == null ? Future.succeededFuture() : s.shutdown(grace);
        }

        @Override
        public Future<?> start() {
            HttpServer server = vertx.createHttpServer(new HttpServerOptions(options).setPort(port));
            this.server = server;
            return server.connectionHandler(c -> HeaderDeadline.install(c, headerTimeoutMillis, bodyTimeoutMillis))
                    .requestHandler(handler)
                    .invalidRequestHandler(HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER)
                    .exceptionHandler(e -> LOG.debug("connection error: {}", e.toString()))
                    .listen().onSuccess(s -> {
                        bound.add(s.actualPort());
                        servers.add(s);
                    });
        }
    }
}
