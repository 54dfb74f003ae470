package dev.keycard.server;

import dev.keycard.server.admin.Admin;
import dev.keycard.server.admin.AdminUseCases;
import dev.keycard.server.admin.Bootstrap;
import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.client.AuthThrottle;
import dev.keycard.server.client.AssertionReplay;
import dev.keycard.server.client.JournaledReplay;
import dev.keycard.server.client.ClientAssertions;
import dev.keycard.server.client.ClientAuthenticator;
import dev.keycard.server.client.ClientCertificates;
import dev.keycard.server.client.ClientKeySets;
import dev.keycard.server.client.TokenRateLimits;
import dev.keycard.server.client.UsageFlush;
import dev.keycard.server.client.SecretUsage;
import dev.keycard.server.client.Secrets;
import dev.keycard.server.config.PrivateFiles;
import dev.keycard.server.config.ServerConfig;
import dev.keycard.server.event.Audit;
import dev.keycard.server.event.AuditSink;
import dev.keycard.server.event.RecentEvents;
import dev.keycard.server.event.ClientAuthEvents;
import dev.keycard.server.event.Metrics;
import dev.keycard.server.http.Endpoints;
import dev.keycard.server.http.HttpRuntime;
import dev.keycard.server.http.HttpServers;
import dev.keycard.server.introspect.TokenIntrospection;
import dev.keycard.server.issue.IssuedTokenVerifier;
import dev.keycard.server.issue.TokenIssuer;
import dev.keycard.server.keys.CryptoProviders;
import dev.keycard.server.keys.KeyEvents;
import dev.keycard.server.keys.KeyManager;
import dev.keycard.server.keys.MasterKey;
import dev.keycard.server.registry.Registry;
import dev.keycard.server.revoke.RevocationStream;
import dev.keycard.server.revoke.RevocationAudit;
import dev.keycard.server.revoke.Revocations;
import dev.keycard.server.revoke.TokenRevocation;
import dev.keycard.server.store.ApiRepository;
import dev.keycard.server.store.AssertionJtiRepository;
import dev.keycard.server.store.ChangeFeed;
import dev.keycard.server.store.ChangeLog;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.KeyRepository;
import dev.keycard.server.store.RegistryReader;
import dev.keycard.server.store.RevocationRepository;
import dev.keycard.server.token.ClientCredentialsGrant;
import dev.keycard.server.issue.TokenDecision;
import dev.keycard.server.token.DPoPBinding;
import dev.keycard.server.token.TokenEndpoint;
import java.net.URI;
import java.security.Provider;
import dev.keycard.server.client.ScopeUsage;
import dev.keycard.server.console.Activity;
import dev.keycard.server.console.Console;
import dev.keycard.server.console.ConsoleSessions;
import dev.keycard.server.store.ScopeUsageRepository;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Keycard: store opened and migrated, admin client made on first start, registry and
 * keys loaded into memory, HTTP bound. {@link #close()} stops it and writes what is pending.
 */
public final class KeycardServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeycardServer.class);
    /** How often revocations of tokens that have expired since are forgotten. */
    private static final Duration REVOCATION_PURGE_EVERY = Duration.ofMinutes(1);
    /** How often the audit log is told of failures held back in a window that has closed since. */
    private static final Duration AUDIT_SUMMARY_EVERY = Duration.ofSeconds(5);
    /**
     * Nodes on one PostgreSQL compare their watermark with the store's change sequence this often,
     * in case a notification was lost, and read the changes they missed.
     */
    private static final Duration CLUSTER_SAFETY_NET = Duration.ofSeconds(30);
    /** The longest a request waits for its client assertion's jti to be recorded. */
    private static final Duration ASSERTION_WAIT = Duration.ofSeconds(5);
    /**
     * Expired client assertion ids leave memory and the store this often, and client and address
     * pairs a day quiet leave the throttle.
     */
    private static final Duration ASSERTION_PURGE_EVERY = Duration.ofMinutes(1);
    /**
     * How long after the start the usage holders are made ({@link Registry#prepareUse}): after
     * the first requests and the compilers' busiest moment, which it would otherwise share two
     * cores with (first token after a restart with 100,000 clients: 2.8 → 3.0 s).
     */
    private static final Duration PREPARE_USE_AFTER = Duration.ofSeconds(2);

    private final HttpRuntime http;
    private final ScheduledExecutorService background;
    private final Database db;
    private final UsageFlush usageFlush;
    /** Scheme and host of the main port, e.g. {@code https://127.0.0.1}. */
    private final String origin;
    private final int port;
    private final OptionalInt managementPort;
    private final String issuer;
    private final Optional<Bootstrap.AdminCredentials> created;
    private final KeyManager keys;
    private final ChangeFeed feed;
    private final TokenEndpoint tokens;
    private final Revocations revocations;
    private final Registry registry;
    private final Audit audit;
    private final Metrics metrics;
    private final Clock clock;
    /** Closed after HTTP and the background tasks, before the store. */
    private final List<AutoCloseable> closeables;

    private KeycardServer(HttpRuntime http, ScheduledExecutorService background, Database db,
                          UsageFlush usageFlush, String origin, int port,
                          OptionalInt managementPort, String issuer, Optional<Bootstrap.AdminCredentials> created,
                          TokenEndpoint tokens, KeyManager keys, Revocations revocations, ChangeFeed feed,
                          Audit audit, Metrics metrics, Clock clock, Registry registry,
                          List<AutoCloseable> closeables) {
        this.http = http;
        this.background = background;
        this.db = db;
        this.usageFlush = usageFlush;
        this.origin = origin;
        this.port = port;
        this.managementPort = managementPort;
        this.issuer = issuer;
        this.created = created;
        this.tokens = tokens;
        this.keys = keys;
        this.revocations = revocations;
        this.feed = feed;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
        this.registry = registry;
        this.closeables = closeables;
    }

    public static KeycardServer start(ServerConfig config) throws Exception {
        return start(config, Clock.systemUTC());
    }

    /**
     * Starts with the given clock, which every time decision reads (tests move it). The store
     * (with its migrations) and the HTTP runtime come up on their own threads while the crypto
     * provider loads, and the issue path is exercised once while the ports bind: start to first
     * token is what a restarting fleet waits for.
     */
    public static KeycardServer start(ServerConfig config, Clock clock) throws Exception {
        return start(config, clock, AuditSink.log());
    }

    /** Starts with the given clock, writing audit events to {@code auditSink} (tests collect them). */
    public static KeycardServer start(ServerConfig config, Clock clock, AuditSink auditSink) throws Exception {
        return start(config, clock, auditSink, admin -> { });
    }

    /**
     * Starts; on a first start, {@code onAdminCreated} gets the new admin client's credentials
     * before they are committed ({@link Bootstrap#run}), to save them where the operator finds them.
     */
    public static KeycardServer start(ServerConfig config, Clock clock, AuditSink auditSink,
                                      Consumer<Bootstrap.AdminCredentials> onAdminCreated) throws Exception {
        ExecutorService starter = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "keycard-start");
            t.setDaemon(true);
            return t;
        });
        Future<Optional<Provider>> crypto = starter.submit(() -> CryptoProviders.install(config.useNativeCrypto()));
        Future<Database> opening = starter.submit(() -> Database.open(config));
        Future<HttpRuntime> runtime = starter.submit(() -> HttpRuntime.start(config));
        Future<Metrics> metering = starter.submit(() -> new Metrics(config.metricsEnabled()));
        Database db = null;
        HttpRuntime http = null;
        ScheduledExecutorService background = null;
        List<AutoCloseable> closing = new ArrayList<>();
        Audit audit = null;
        try {
            Optional<Provider> provider = await(crypto);
            SecureRandom random = new SecureRandom();
            Secrets secrets = new Secrets(random);
            MasterKey masterKey = MasterKey.load(config.masterKey(), config.masterKeyFile(), random);
            db = await(opening);
            PrivateFiles.openToOthers(config.dataDir()).ifPresent(mode -> LOG.warn("the data directory {} is open"
                    + " to other users ({}); it holds the store, the master key and the admin credentials:"
                    + " chmod 700 {}", config.dataDir().toAbsolutePath(), mode, config.dataDir().toAbsolutePath()));
            Metrics metrics = await(metering);
            // The console's audit view reads this node's recent events, kept off the request path.
            RecentEvents recentEvents = new RecentEvents();
            audit = new Audit(config.consoleEnabled() ? recentEvents.andThen(auditSink) : auditSink, clock);
            metrics.audit(audit);
            Optional<Bootstrap.AdminCredentials> created = Bootstrap.run(db, config, secrets, clock,
                    onAdminCreated);
            ClientRepository clients = new ClientRepository();
            Registry registry = new Registry();
            RegistryReader registryReader = new RegistryReader(db, new ApiRepository(), clients, registry);
            long loading = System.nanoTime();
            long seq = registryReader.loadAll(algs -> { });
            LOG.info("registry: {} clients read in {} ms", registry.clientCount(),
                    (System.nanoTime() - loading) / 1_000_000);
            Revocations revocations = new Revocations(db, new RevocationRepository(), clock);
            revocations.purge();
            revocations.reload();
            revocations.onRevocation(new RevocationAudit(audit, metrics));
            ChangeFeed feed = new ChangeFeed(db, CLUSTER_SAFETY_NET);
            KeyManager keys = new KeyManager(db, new KeyRepository(), masterKey, provider, clock, random,
                    config.keys(), config.tokenMaxLifetime());
            KeyEvents.observe(keys, audit, metrics);
            Set<SigningAlg> algs = EnumSet.of(SigningAlg.RS256);
            algs.addAll(registry.algorithmsInUse());
            keys.load(algs);

            AtomicReference<String> issuer = new AtomicReference<>(config.issuer());
            SecretUsage usage = new SecretUsage(config.secretUsageResolution());
            ScopeUsage scopeUsage = new ScopeUsage(config.secretUsageResolution());
            TokenIssuer tokenIssuer = new TokenIssuer(keys::ring, issuer::get, random);
            ClientAuthEvents authEvents = new ClientAuthEvents(metrics, audit);
            ClientKeySets keySets = new ClientKeySets(config.assertions().jwksTimeout(),
                    config.assertions().jwksMaxBytes(), config.assertions().jwksRefetch(),
                    config.assertions().allowHttpJwksUri());
            AssertionReplay storedReplay = new AssertionReplay(db, new AssertionJtiRepository(), clock, ASSERTION_WAIT);
            closing.add(keySets);
            // One node on its own SQLite file: memory decides and a journal beside the file remembers
            // (decisions 100); nodes that share PostgreSQL ask the store.
            Optional<JournaledReplay> journaled = db.sqliteFile().map(file -> JournaledReplay.open(
                    file.resolveSibling(file.getFileName() + "-jti"), storedReplay, clock, ASSERTION_WAIT,
                    storedReplay.latestExpiry().map(Instant::toEpochMilli).orElse(0L)));
            journaled.ifPresent(closing::add);
            closing.add(storedReplay);
            ClientAssertions.SingleUse replay = journaled.<ClientAssertions.SingleUse>map(j -> j).orElse(storedReplay);
            Runnable purgeReplay = journaled.<Runnable>map(j -> j::purge).orElse(storedReplay::purge);
            AuthThrottle throttle = new AuthThrottle(config.rateLimits().failedAuthFree(),
                    config.rateLimits().failedAuthMaxBackoff());
            ClientAuthenticator authenticator = new ClientAuthenticator(registry, usage, authEvents, throttle,
                    new ClientAssertions(registry, keySets, replay, config.assertions(), issuer::get),
                    new ClientCertificates(config.clientCaFile(), config.clientCrlFile()));
            TokenEndpoint tokens = new TokenEndpoint(authenticator,
                    new TokenRateLimits(config.rateLimits().clientTokens()), authEvents,
                    List.of(new ClientCredentialsGrant(registry, config.tokenMaxLifetime())), tokenIssuer, clock,
                    metrics, new DPoPBinding(config.dpop(), masterKey.derive("keycard dpop nonce v1"), replay,
                            issuer::get, clock), scopeUsage);
            IssuedTokenVerifier verifier = new IssuedTokenVerifier(keys, issuer::get, registry);
            TokenIntrospection introspection = new TokenIntrospection(authenticator, verifier, revocations, registry,
                    clock, metrics);
            TokenRevocation revocation = new TokenRevocation(authenticator, verifier, revocations, clock);
            Future<?> warm = starter.submit(() -> warmUp(registry, config, tokenIssuer, clock));

            background = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "keycard-background");
                t.setDaemon(true);
                return t;
            });
            AdminUseCases admin = Admin.useCases(config, db, registryReader, keys, revocations, secrets, clock,
                    background);
            http = await(runtime);
            Database store = db;
            int port = HttpServers.resolvePort(config);
            if (config.issuerDerived()) {
                issuer.set(config.scheme() + "://" + hostForUrl(config.host()) + ":" + port);
            }
            Optional<Console> console = config.consoleEnabled()
                    ? Optional.of(new Console(new ConsoleSessions(db, registry, clock, random,
                            masterKey.derive("keycard console csrf v1")), new Activity(metrics::totals, clock), recentEvents))
                    : Optional.empty();
            AtomicReference<String> consoleOrigin = new AtomicReference<>(issuer.get());
            Endpoints endpoints = new Endpoints(tokens, introspection, revocation,
                    new RevocationStream(revocations, clock, config.tokenMaxLifetime()), authenticator, keys, registry,
                    revocations, usage, admin, issuer::get, store::ping, metrics, audit, clock, console, consoleOrigin::get);
            HttpServers.bind(http, config, port, endpoints);
            OptionalInt managementPort = HttpServers.bindManagement(http, config, () -> true, endpoints);
            managementPort.ifPresent(p -> consoleOrigin.set("http://" + hostForUrl(config.managementHost()) + ":" + p));
            await(warm);
            KeycardServer server = new KeycardServer(http, background, db,
                    new UsageFlush(db, clients, new ScopeUsageRepository(), usage, scopeUsage, clock, registry::clientCount,
                            config.secretUsageFlush(), config.secretUsageResolution()),
                    config.scheme() + "://" + hostForUrl(config.host()), port,
                    managementPort, issuer.get(), created, tokens, keys, revocations, feed, audit, metrics, clock, registry,
                    closing);
            keys.start();
            feed.start(seq, new ChangeFeed.Follower() {
                @Override
                public void changed(List<ChangeLog.Entry> changes) {
                    registryReader.refresh(changes.stream().map(e -> new ChangeLog.Change(e.kind(), e.id())).toList(),
                            keys::ensure);
                    if (changes.stream().anyMatch(e -> e.kind() == ChangeLog.Kind.KEY)) {
                        keys.reload();
                    }
                    revocations.refresh(changes);
                }

                @Override
                public void reloadAll() {
                    registryReader.loadAll(keys::ensure);
                    keys.reload();
                    revocations.reload();
                }
            });
            background.schedule(registry::prepareUse, PREPARE_USE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
            every(background, config.secretUsageFlush(), server.usageFlush::flush);
            if (console.isPresent()) {
                every(background, Activity.STEP, console.get().activity()::sample);
            }
            every(background, AUDIT_SUMMARY_EVERY, () -> authEvents.closeWindows(clock.instant()));
            every(background, REVOCATION_PURGE_EVERY, server::purgeRevocations);
            // Apart from the store's purges, which a database down would fail.
            every(background, ASSERTION_PURGE_EVERY, () -> throttle.purge(clock.instant()));
            every(background, ASSERTION_PURGE_EVERY, () -> {
                purgeReplay.run();
                keySets.retain(id -> registry.client(id).isPresent(),
                        name -> registry.trustSources().stream().anyMatch(t -> t.name().equals(name)));
            });
            LOG.info("Keycard ready: issuer {}", issuer.get());
            return server;
        } catch (Exception | Error e) {
            // Close what came up, also what was still coming up when the start failed.
            HttpRuntime started = http != null ? http : quietly(runtime);
            if (started != null) {
                started.close();
            }
            if (background != null) {
                background.shutdownNow();
            }
            closeQuietly(closing);
            Database opened = db != null ? db : quietly(opening);
            if (opened != null) {
                opened.close();
            }
            if (audit != null) {
                audit.close();
            }
            Metrics metered = quietly(metering);
            if (metered != null) {
                metered.close();
            }
            throw e;
        } finally {
            starter.shutdown();
        }
    }

    /** Issues one token, discarded, so the first real request finds the issue path loaded. */
    private static void warmUp(Registry registry, ServerConfig config, TokenIssuer issuer, Clock clock) {
        registry.client(config.adminClientId()).ifPresent(client -> registry.api(Api.ADMIN_IDENTIFIER).ifPresent(api ->
                issuer.issue(new TokenDecision(client, api, api.scopes(), api.tokenLifetime()), clock.instant())));
    }

    /** Runs {@code task} every {@code period}; a task that throws is logged and runs again next time. */
    private static void every(ScheduledExecutorService background, Duration period, Runnable task) {
        background.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("background task failed; will retry: {}", e.toString());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private static <T> @Nullable T quietly(Future<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | InterruptedException | java.util.concurrent.TimeoutException e) {
            return null;
        }
    }

    public int port() {
        return port;
    }

    /** The port of health and metrics, when {@code management.port} gives them one. */
    public OptionalInt managementPort() {
        return managementPort;
    }

    /** Where this server listens, e.g. {@code http://127.0.0.1:8080}; the issuer may be another name for it. */
    public URI baseUri() {
        return URI.create(origin + ":" + port);
    }

    public String issuer() {
        return issuer;
    }

    /** The admin client this start created, if it was the first. */
    public Optional<Bootstrap.AdminCredentials> createdAdmin() {
        return created;
    }

    /**
     * The token endpoint this server answers {@code POST /oauth2/token} with, for benchmarks that
     * time the issue path without HTTP.
     */
    public TokenEndpoint tokenEndpoint() {
        return tokens;
    }

    /** The APIs and clients this node serves from memory: for embedding and tests (read only). */
    public Registry registry() {
        return registry;
    }

    /** The change feed that keeps this node current with the others on PostgreSQL. */
    public ChangeFeed changeFeed() {
        return feed;
    }

    /** The signing keys: for embedding and tests (the admin API and CLI rotate them too). */
    public KeyManager keys() {
        return keys;
    }

    /**
     * The revoked tokens this server refuses: for an event stream ({@link Revocations#onRevocation})
     * and for hearing of other nodes' revocations ({@link Revocations#reload}).
     */
    public Revocations revocations() {
        return revocations;
    }

    /**
     * Forgets revocations of tokens that have expired, and changes older than the change log
     * keeps; a failure waits for the next round.
     */
    void purgeRevocations() {
        try {
            int purged = revocations.purge();
            if (purged > 0) {
                LOG.debug("forgot {} revocations of expired tokens", purged);
            }
            Instant before = clock.instant().minus(ChangeLog.KEPT_FOR);
            db.transaction(c -> db.changes().purge(c, before));
        } catch (RuntimeException e) {
            LOG.warn("could not purge expired revocations; will retry: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        http.close(); // graceful: requests in flight get http.shutdown-grace
        background.shutdown();
        try {
            if (!background.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("a background task did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        feed.close();
        keys.close();
        closeQuietly(closeables);
        usageFlush.flushAll(); // waits for a flush still running, and is not skipped
        audit.close(); // after everything that emits: HTTP, the feed, the key ticker
        metrics.close();
        db.close();
    }

    private static void closeQuietly(List<AutoCloseable> closeables) {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("could not close {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }

    private static String hostForUrl(String host) {
        if (host.equals("0.0.0.0") || host.equals("::")) {
            return "127.0.0.1";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
