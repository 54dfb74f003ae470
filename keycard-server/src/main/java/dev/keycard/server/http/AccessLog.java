package dev.keycard.server.http;

import dev.keycard.protocol.Json;
import dev.keycard.server.log.EmbeddedJson;
import dev.keycard.server.log.Logging;
import dev.keycard.server.token.Caller;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log ({@code log.access}): one line per request, when its response has been sent, on
 * the logger {@code keycard.access} at info, whatever {@code log.level} says: {@code method}, {@code path} (without the query),
 * {@code status}, {@code duration_ms}, {@code client_id} when the request authenticated one (an
 * OAuth endpoint's client, the admin API's admin client), and {@code source}. Never a header, a
 * query, a body: nothing that can hold a secret or a token. Off, nothing is wrapped and the
 * routes' notes go nowhere.
 */
public final class AccessLog {

    private static final Logger LOG = LoggerFactory.getLogger(Logging.ACCESS);
    private static final int MAX_PATH = 256;
    private static final AccessLog OFF = new AccessLog(null);

    private final ClientAddresses addresses;
    private final Map<HttpServerRequest, Caller> callers = new ConcurrentHashMap<>();

    private AccessLog(ClientAddresses addresses) {
        this.addresses = addresses;
    }

    /** The access log of a server with {@code log.access} on, or {@link #off()}. */
    public static AccessLog of(boolean enabled, ClientAddresses addresses) {
        return enabled ? new AccessLog(addresses) : OFF;
    }

    public static AccessLog off() {
        return OFF;
    }

    /** {@code handler}, with a line logged for each request it answers. */
    public Handler<HttpServerRequest> around(Handler<HttpServerRequest> handler) {
        if (this == OFF) {
            return handler;
        }
        return request -> {
            long started = System.nanoTime();
            Caller caller = new Caller();
            callers.put(request, caller);
            // Ended, or closed before it ended (a revocation-event stream ends so): one line either way.
            Handler<Void> done = v -> {
                if (callers.remove(request) != null) {
                    log(request, caller, System.nanoTime() - started);
                }
            };
            request.response().endHandler(done);
            request.response().closeHandler(done);
            handler.handle(request);
        };
    }

    /** Where a route notes the client {@code request} authenticated; one nobody reads when the log is off. */
    public Caller caller(HttpServerRequest request) {
        Caller caller = callers.get(request);
        return caller != null ? caller : new Caller();
    }

    private void log(HttpServerRequest request, Caller caller, long nanos) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        String path = request.path() == null ? "" : request.path();
        if (path.length() > MAX_PATH) {
            path = path.substring(0, MAX_PATH) + "...";
        }
        int status = request.response().getStatusCode();
        StringBuilder json = new StringBuilder(160).append("{\"method\":");
        Json.appendString(json, request.method().name());
        Json.appendString(json.append(",\"path\":"), path);
        json.append(",\"status\":").append(status);
        json.append(",\"duration_ms\":").append(Math.round(nanos / 10_000.0) / 100.0);
        caller.clientId().ifPresent(id -> Json.appendString(json.append(",\"client_id\":"), id));
        Json.appendString(json.append(",\"source\":"), addresses.of(request));
        json.append('}');
        LOG.info("{}", new EmbeddedJson("access", request.method().name() + " " + path + " " + status, json.toString()));
    }
}
