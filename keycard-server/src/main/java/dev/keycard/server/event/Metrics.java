package dev.keycard.server.event;

import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Keycard's metrics, in the Prometheus text format (docs/operations.md lists them). What the token
 * path updates is registered once and found without building tags or strings: a counter per
 * (API, algorithm) in a map keyed by the API's identifier, a timer per algorithm in an array.
 * An update costs a map lookup and an atomic add, tens of nanoseconds.
 */
public final class Metrics implements AutoCloseable {

    /** The Prometheus text format, version 0.0.4: what every scraper reads. */
    public static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    /** OpenMetrics 1.0, for a scraper that asks for it. */
    public static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /** Buckets of the issue timer: the pipeline takes tens of microseconds (ES256) to about a millisecond (RS256). */
    private static final Duration[] ISSUE_BUCKETS = {Duration.ofNanos(50_000), Duration.ofNanos(100_000),
            Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(100)};
    private static final SigningAlg[] ALGS = SigningAlg.values();

    /** What {@link #scrape} answers: the body and its content type. */
    public record Scrape(String contentType, String body) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, AtomicReferenceArray<Counter>> issued = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> refused = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> limited = new ConcurrentHashMap<>();
    private final Timer[] issueTime = new Timer[ALGS.length];
    private final Counter introspectedActive;
    private final Counter introspectedInactive;
    private final Counter revokedTokens;
    private final Counter revokedClients;
    private final Counter graceUse;
    private final ConcurrentHashMap<String, Timer> endpoints = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeable = new ArrayList<>();

    /** @param jvm whether to add the JVM's own metrics (memory, GC, threads, classes, CPU, uptime) */
    public Metrics(boolean jvm) {
        for (SigningAlg alg : ALGS) {
            issueTime[alg.ordinal()] = Timer.builder("keycard.token.issue")
                    .description("Time from a token request's parsed form to its signed token")
                    .tag("alg", alg.name()).serviceLevelObjectives(ISSUE_BUCKETS).register(registry);
        }
        introspectedActive = introspections(true);
        introspectedInactive = introspections(false);
        revokedTokens = revocations("token");
        revokedClients = revocations("client");
        graceUse = Counter.builder("keycard.secret.grace.use")
                .description("Client authentications with a secret in its grace period (replaced, not yet expired)")
                .register(registry);
        if (jvm) {
            JvmGcMetrics gc = new JvmGcMetrics();
            closeable.add(gc);
            for (MeterBinder binder : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(),
                    new ClassLoaderMetrics(), new ProcessorMetrics(), new UptimeMetrics())) {
                binder.bindTo(registry);
            }
        }
    }

    private Counter introspections(boolean active) {
        return Counter.builder("keycard.introspections").description("Introspection requests answered, by answer")
                .tag("active", Boolean.toString(active)).register(registry);
    }

    private Counter revocations(String kind) {
        return Counter.builder("keycard.revocations")
                .description("Revocations this node made: one token (RFC 7009), or every token of a client")
                .tag("kind", kind).register(registry);
    }

    /** A token was issued for {@code api}; {@code nanos} from parsed request to signed token. */
    public void tokenIssued(Api api, long nanos) {
        int alg = api.signingAlg().ordinal();
        AtomicReferenceArray<Counter> byAlg = issued.get(api.identifier());
        if (byAlg == null) {
            byAlg = issued.computeIfAbsent(api.identifier(), id -> new AtomicReferenceArray<>(ALGS.length));
        }
        Counter counter = byAlg.get(alg);
        if (counter == null) { // registering twice returns the same counter, so a race is harmless
            counter = Counter.builder("keycard.tokens.issued").description("Access tokens issued, by API and algorithm")
                    .tag("api", api.identifier()).tag("alg", ALGS[alg].name()).register(registry);
            byAlg.set(alg, counter);
        }
        counter.increment();
        issueTime[alg].record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A token request was refused with the OAuth error {@code code} (a fixed set: RFC 6749 §5.2, RFC 8707). */
    public void tokenRefused(String code) {
        Counter counter = refused.get(code);
        if (counter == null) {
            counter = refused.computeIfAbsent(code, c -> Counter.builder("keycard.token.requests.refused")
                    .description("Token requests refused, by OAuth error code").tag("error", c).register(registry));
        }
        counter.increment();
    }

    /** An introspection request was answered. */
    public void introspected(boolean active) {
        (active ? introspectedActive : introspectedInactive).increment();
    }

    /** This node revoked one token, or every token of a client. */
    public void revoked(boolean wholeClient) {
        (wholeClient ? revokedClients : revokedTokens).increment();
    }

    /**
     * A request held back by a rate limit: {@code keycard_rate_limited_total{limit=…}}, the limit
     * being {@code token_rate}, {@code failed_auth_address} or {@code failed_auth_client}.
     */
    public void rateLimited(String limit) {
        Counter counter = limited.get(limit);
        if (counter == null) {
            counter = limited.computeIfAbsent(limit, l -> Counter.builder("keycard.rate.limited")
                    .description("Requests answered 429, by the limit that held them back").tag("limit", l)
                    .register(registry));
        }
        counter.increment();
    }

    /** A secret in its grace period authenticated a client. */
    public void graceUse() {
        graceUse.increment();
    }

    /**
     * The timer of requests to {@code endpoint} (a path, or a path prefix such as {@code /admin/*}),
     * {@code keycard_http_server_requests_seconds{endpoint=…}}: from the request's arrival to its
     * response's end (its last bytes handed to the network). Taken once, when the routes are built; recording a duration in
     * nanoseconds costs a few atomic adds.
     */
    public LongConsumer endpoint(String endpoint) {
        Timer timer = endpoints.computeIfAbsent(endpoint, e -> Timer.builder("keycard.http.server.requests")
                .description("Requests answered, by endpoint: from arrival to the end of the response")
                .tag("endpoint", e).register(registry));
        return nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts so far on this node, for the console's per-minute view: read, not reset. */
    public record Totals(long issued, long refused, Map<String, Requests> endpoints) {
    }

    /** Requests to one endpoint so far, and the longest of the last few minutes. */
    public record Requests(long count, double totalSeconds, double maxSeconds) {
    }

    /** The counts so far: tokens issued and refused, and each endpoint's requests. */
    public Totals totals() {
        long issuedSoFar = 0;
        for (AtomicReferenceArray<Counter> byAlg : issued.values()) {
            for (int i = 0; i < byAlg.length(); i++) {
                Counter c = byAlg.get(i);
                issuedSoFar += c == null ? 0 : (long) c.count();
            }
        }
        long refusedSoFar = 0;
        for (Counter c : refused.values()) {
            refusedSoFar += (long) c.count();
        }
        Map<String, Requests> requests = new TreeMap<>();
        endpoints.forEach((name, timer) -> requests.put(name, new Requests(timer.count(),
                timer.totalTime(TimeUnit.SECONDS), timer.max(TimeUnit.SECONDS))));
        return new Totals(issuedSoFar, refusedSoFar, Collections.unmodifiableMap(requests));
    }

    /** Publishes how many signing keys have {@code status} (next, current, previous), read at each scrape. */
    public void signingKeys(String status, IntSupplier count) {
        Gauge.builder("keycard.signing.keys", () -> count.getAsInt()).description("Signing keys loaded, by status")
                .tag("status", status).strongReference(true).register(registry);
    }

    /** Publishes the audit events lost so far. */
    public void audit(Audit audit) {
        FunctionCounter.builder("keycard.audit.dropped", audit, Audit::dropped)
                .description("Audit events lost: queue full, or the sink failed").register(registry);
    }

    /**
     * Every metric, as OpenMetrics when {@code accept} asks for it, else in the Prometheus text
     * format. Reads gauges (the JVM's included): call it off the event loop.
     */
    public Scrape scrape(@Nullable String accept) {
        String type = accept != null && accept.contains("application/openmetrics-text") ? OPEN_METRICS : TEXT_FORMAT;
        return new Scrape(type, registry.scrape(type));
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeable) {
            try {
                c.close();
            } catch (Exception e) {
                // Binders hold listeners only; nothing to save.
            }
        }
        registry.close();
    }
}
