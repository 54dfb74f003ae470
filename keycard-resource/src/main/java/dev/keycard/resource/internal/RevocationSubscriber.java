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
 * event replaces the list with what follows. One daemon thread reads the stream.
 */
public final class RevocationSubscriber implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RevocationSubscriber.class.getName());

    private final Supplier<CompletableFuture<URI>> uri;
    private final String authorization;
    private final HttpClient http;
    private final Clock clock;
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();
    private final Map<String, Long> clients = new ConcurrentHashMap<>();
    private volatile @Nullable String lastEventId;
    private volatile @Nullable Instant downSince;
    private volatile boolean running = true;
    private volatile @Nullable Stream<String> lines;
    private final Thread thread;

    /**
     * @param authorization the {@code Authorization} header value authenticating the subscriber
     */
    public RevocationSubscriber(Supplier<CompletableFuture<URI>> uri, String authorization, HttpClient http, Clock clock) {
        this.uri = uri;
        this.authorization = authorization;
        this.http = http;
        this.clock = clock;
        this.downSince = clock.instant();
        this.thread = new Thread(this::run, "keycard-revocations");
        thread.setDaemon(true);
        thread.start();
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
                        .header("Accept", "text/event-stream").header("Authorization", authorization).GET();
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
                        downSince = null;
                        backoff = 1_000;
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
                    tokens.clear();
                    clients.clear();
                }
                case "token_revoked" -> {
                    Map<String, Object> e = JSONObjectUtils.parse(data);
                    tokens.put((String) e.get("jti"), ((Number) e.get("exp")).longValue());
                    long now = clock.instant().getEpochSecond();
                    tokens.values().removeIf(exp -> exp < now);
                }
                case "client_tokens_revoked" -> {
                    Map<String, Object> e = JSONObjectUtils.parse(data);
                    clients.merge((String) e.get("client_id"), ((Number) e.get("revoked_before")).longValue(), Math::max);
                }
                default -> {
                    return;
                }
            }
            if (id != null) {
                lastEventId = id;
            }
        } catch (java.text.ParseException | RuntimeException e) {
            LOG.log(Level.WARNING, "skipping a malformed {0} event: {1}", type, e.toString());
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
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
    }

    /** For logs: never the credentials. */
    @Override
    public String toString() {
        return "RevocationSubscriber[lastEventId=" + lastEventId + ", revoked=" + tokens.size() + "]";
    }
}
