package dev.keycard.resource.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a list of revoked tokens from the issuer's revocation event stream (Keycard's
 * {@code keycard_revocation_events_endpoint}, Server-Sent Events), so that a revoked token is
 * refused within seconds rather than at its {@code exp}. On a broken connection it reconnects
 * with back-off (1 s, doubling to 30 s) and resumes from the last event id; a {@code reset}
 * event starts a new list, swapped in at the {@code ready} that ends it. The ids inside a list
 * are resumed from only once its {@code ready} has come: a connection cut off before that drops
 * the half list and resumes from the id before the reset, or with none, which asks for a full
 * list again. A connection that has carried nothing, not even the server's 15 s keep-alive
 * comment, for {@link #SILENCE} (45 s) is taken for dead (a dropped NAT entry blocks a read
 * forever). One daemon thread reads the stream.
 */
public final class RevocationSubscriber implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RevocationSubscriber.class.getName());

    private final Supplier<CompletableFuture<URI>> uri;
    private final @Nullable String authorization;
    private final HttpClient http;
    private final Clock clock;
    private final java.time.Duration silence;
    static final java.time.Duration SILENCE = java.time.Duration.ofSeconds(45);

    private volatile Map<String, Long> tokens = new ConcurrentHashMap<>();
    private volatile Map<String, Long> clients = new ConcurrentHashMap<>();
    // A list after a reset, until its ready: the reader thread's alone.
    private @Nullable Map<String, Long> pendingTokens;
    private @Nullable Map<String, Long> pendingClients;
    private volatile @Nullable String pendingEventId; // volatile for toString()
    private volatile long lastLineNanos = System.nanoTime();
    private volatile @Nullable String lastEventId;
    private volatile @Nullable Instant downSince;
    private volatile boolean running = true;
    private volatile @Nullable Stream<String> lines;
    private final Thread thread;
    private final Thread watchdog;

    /**
     * @param authorization the {@code Authorization} header value authenticating the subscriber;
     *     null when its TLS client certificate does ({@link #withClientId} names it in the URI)
     */
    public RevocationSubscriber(Supplier<CompletableFuture<URI>> uri, @Nullable String authorization, HttpClient http,
                                Clock clock) {
        this(uri, authorization, http, clock, SILENCE);
    }

    /** With another silence limit than {@link #SILENCE}, for tests that cannot wait 45 s. */
    RevocationSubscriber(Supplier<CompletableFuture<URI>> uri, @Nullable String authorization, HttpClient http, Clock clock,
            java.time.Duration silence) {
        this.uri = uri;
        this.authorization = authorization;
        this.http = http;
        this.clock = clock;
        this.silence = silence;
        this.downSince = clock.instant();
        this.thread = new Thread(this::run, "keycard-revocations");
        thread.setDaemon(true);
        thread.start();
        this.watchdog = new Thread(this::watch, "keycard-revocations-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** {@code events} with {@code client_id} in its query, for a subscriber its client certificate authenticates. */
    public static URI withClientId(URI events, String clientId) {
        String query = "client_id=" + dev.keycard.protocol.FormCodec.encodeComponent(clientId);
        String raw = events.getRawQuery();
        // Built from the parts, without a fragment (never sent) and without an empty query's '&'.
        return URI.create(events.getScheme() + "://" + events.getRawAuthority() + events.getRawPath() + "?"
                + (raw == null || raw.isEmpty() ? query : raw + "&" + query));
    }

    /** Whether the token is revoked, by its {@code jti} or by its client's revocation of every earlier token. */
    public boolean isRevoked(String jti, String clientId, Instant issuedAt) {
        if (tokens.containsKey(jti)) {
            return true;
        }
        Long before = clients.get(clientId);
        return before != null && issuedAt.getEpochSecond() <= before;
    }

    /** Since when the stream has been down, or null while it streams. */
    public @Nullable Instant downSince() {
        return downSince;
    }

    private void run() {
        long backoff = 1_000;
        while (running) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(uri.get().join())
                        .timeout(java.time.Duration.ofSeconds(10)) // until the headers; the watchdog minds the body
                        .header("Accept", "text/event-stream").GET();
                if (authorization != null) {
                    request.header("Authorization", authorization);
                }
                String last = lastEventId;
                if (last != null) {
                    request.header("Last-Event-ID", last);
                }
                HttpResponse<Stream<String>> response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
                try (Stream<String> body = response.body()) {
                    if (response.statusCode() != 200) {
                        LOG.log(Level.WARNING, "revocation events answered HTTP {0}; retrying", response.statusCode());
                    } else {
                        lines = body;
                        lastLineNanos = System.nanoTime();
                        downSince = null;
                        backoff = 1_000;
                        // A list cut off by a dropped connection is never finished: a resumed
                        // stream has no ready, and its events belong in the live list.
                        pendingTokens = null;
                        pendingClients = null;
                        pendingEventId = null;
                        read(body.iterator());
                    }
                }
            } catch (Exception e) {
                if (running) {
                    LOG.log(Level.DEBUG, "revocation events interrupted: {0}", e.toString());
                }
            } finally {
                lines = null;
            }
            if (downSince == null) {
                downSince = clock.instant();
                if (running) {
                    LOG.log(Level.WARNING, "revocation events disconnected; reconnecting");
                }
            }
            pause(backoff);
            backoff = Math.min(backoff * 2, 30_000);
        }
    }

    /** Reads events (WHATWG HTML §9.2.6): fields until a blank line, which dispatches. */
    private void read(Iterator<String> in) {
        String type = "message";
        StringBuilder data = new StringBuilder();
        String id = null;
        while (running && in.hasNext()) {
            String line = in.next();
            lastLineNanos = System.nanoTime();
            if (line.isEmpty()) {
                dispatch(type, data.toString(), id);
                type = "message";
                data.setLength(0);
                id = null;
            } else if (!line.startsWith(":")) {
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                switch (field) {
                    case "event" -> type = value;
                    case "data" -> data.append(data.isEmpty() ? "" : "\n").append(value);
                    case "id" -> id = value;
                    default -> { } // retry and unknown fields: our own back-off decides
                }
            }
        }
    }

    private void dispatch(String type, String data, @Nullable String id) {
        try {
            switch (type) {
                case "reset" -> {
                    pendingTokens = new ConcurrentHashMap<>();
                    pendingClients = new ConcurrentHashMap<>();
                    pendingEventId = null;
                }
                case "ready" -> {
                    if (pendingTokens != null && pendingClients != null) {
                        tokens = pendingTokens;
                        clients = pendingClients;
                        String reached = pendingEventId;
                        if (reached != null) {
                            lastEventId = reached;
                        }
                    }
                    pendingTokens = null;
                    pendingClients = null;
                    pendingEventId = null;
                }
                case "token_revoked" -> {
                    Map<String, Object> e = JSONObjectUtils.parse(data);
                    Map<String, Long> into = pendingTokens != null ? pendingTokens : tokens;
                    into.put((String) e.get("jti"), ((Number) e.get("exp")).longValue());
                    long now = clock.instant().getEpochSecond();
                    into.values().removeIf(exp -> exp < now);
                }
                case "client_tokens_revoked" -> {
                    Map<String, Object> e = JSONObjectUtils.parse(data);
                    Map<String, Long> into = pendingClients != null ? pendingClients : clients;
                    into.merge((String) e.get("client_id"), ((Number) e.get("revoked_before")).longValue(), Math::max);
                }
                default -> {
                    return;
                }
            }
            if (id != null) {
                if (pendingTokens != null) {
                    pendingEventId = id; // resuming from it would skip the rest of an unfinished list
                } else {
                    lastEventId = id;
                }
            }
        } catch (java.text.ParseException | RuntimeException e) {
            LOG.log(Level.WARNING, "skipping a malformed {0} event: {1}", type, e.toString());
        }
    }

    /** Closes a stream that has been silent too long, so the reader reconnects. */
    private void watch() {
        long every = Math.min(5_000, Math.max(1, silence.toMillis() / 3));
        while (running) {
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            Stream<String> open = lines;
            if (open != null && System.nanoTime() - lastLineNanos > silence.toNanos()) {
                LOG.log(Level.WARNING, "revocation events silent for {0}; reconnecting", silence);
                lastLineNanos = System.nanoTime();
                open.close();
                thread.interrupt(); // a read blocked on the dead connection wakes up
            }
        }
    }

    /** Waits before reconnecting; an interrupt (the watchdog's, or close()) only cuts the wait short. */
    private void pause(long millis) {
        Thread.interrupted();
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.interrupted(); // running says whether to go on
        }
    }

    @Override
    public void close() {
        running = false;
        Stream<String> open = lines;
        if (open != null) {
            open.close();
        }
        thread.interrupt();
        watchdog.interrupt();
    }

    /** For logs: never the credentials. */
    @Override
    public String toString() {
        String pending = pendingEventId;
        return "RevocationSubscriber[lastEventId=" + lastEventId
                + (pending != null ? ", pendingEventId=" + pending : "") + ", revoked=" + tokens.size() + "]";
    }
}
