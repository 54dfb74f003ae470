package dev.keycard.server.http;

import dev.keycard.protocol.Form;
import dev.keycard.protocol.FormCodec;
import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.OAuthException;
import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.client.AuthenticatedClient;
import dev.keycard.server.client.ClientAuthenticator;
import dev.keycard.server.revoke.RevocationStream;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /oauth2/revocation-events}: the revocations as Server-Sent Events, for APIs that want
 * a revoked token refused within seconds (keycard-resource subscribes). The caller authenticates
 * as a client, like at the token endpoint: HTTP Basic, or its TLS client certificate with
 * {@code ?client_id=…} (RFC 8705 §2); and must hold {@code keycard:introspect}: the stream
 * tells what introspection would. New revocations are sent every 250 ms, a comment every 15 s keeps
 * the connection open through proxies; a subscriber that cannot keep up is disconnected and
 * resumes with {@code Last-Event-ID}. When the server stops, each stream is ended cleanly.
 */
final class RevocationEventsRoute implements Handler<HttpServerRequest> {

    private static final Scope INTROSPECT = new Scope(Api.INTROSPECT_SCOPE);
    private static final long TICK_MS = 250;
    private static final long KEEPALIVE_MS = 15_000;

    private record Subscriber(HttpServerResponse response, Context context) {
    }

    private final ClientAuthenticator authenticator;
    private final RouteSupport support;
    private final RevocationStream stream;
    private final Clock clock;
    private final Map<HttpServerResponse, Subscriber> subscribers = new ConcurrentHashMap<>();

    RevocationEventsRoute(RouteSupport support, ClientAuthenticator authenticator, RevocationStream stream,
                          Clock clock) {
        Vertx vertx = support.vertx();
        this.authenticator = authenticator;
        this.support = support;
        this.stream = stream;
        this.clock = clock;
        // News is a queue drained, not a list recomputed: cheap enough for the event loop.
        vertx.setPeriodic(TICK_MS, id -> {
            String news = stream.news();
            if (!news.isEmpty()) {
                broadcast(news);
            }
        });
        vertx.setPeriodic(KEEPALIVE_MS, id -> broadcast(": keepalive\n\n"));
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (request.method() != HttpMethod.GET) {
            Responses.problem(request, Responses.Problem.of(405, "method-not-allowed", "Method not allowed", "use GET")
                    .withHeader("Allow", "GET"));
            return;
        }
        AuthenticatedClient caller;
        try {
            caller = authenticator.authenticate(request.getHeader("Authorization"), query(request),
                    support.source(request), clock.instant(), support.clientCertificate(request));
            support.accessLog().caller(request).authenticated(caller.client().id().value());
        } catch (OAuthException e) {
            Responses.oauthError(request, e.error());
            return;
        }
        ScopeSet admin = caller.client().grants().get(Api.ADMIN_IDENTIFIER);
        if (admin == null || !admin.contains(INTROSPECT)) {
            Responses.oauthError(request, new OAuthError("unauthorized_client", 403)
                    .describe("the revocation events need the keycard:introspect scope"));
            return;
        }
        HttpServerResponse response = request.response().setStatusCode(200).setChunked(true);
        response.headers().set("Content-Type", "text/event-stream;charset=UTF-8").set("Cache-Control", "no-store")
                .set("X-Accel-Buffering", "no");
        Subscriber subscriber = new Subscriber(response, Vertx.currentContext());
        subscribers.put(response, subscriber);
        // The connection's, not the response's close handler: the access log keeps that one.
        request.connection().closeHandler(v -> subscribers.remove(response));
        // At a stop the stream never finishes by itself: end it, so the subscriber resumes on
        // another node at once rather than when the shutdown grace runs out.
        request.connection().shutdownHandler(v -> {
            subscribers.remove(response);
            if (!response.ended()) {
                response.end();
            }
        });
        response.write(stream.opening(Optional.ofNullable(request.getHeader("Last-Event-ID"))));
    }

    /**
     * The query: at most a {@code client_id}, which a client authenticating with its TLS
     * certificate (RFC 8705 §2) names itself with, as a GET has no body. Credentials never travel
     * in a URL (RFC 6749 §2.3.1): anything else there is refused.
     */
    private static Form query(HttpServerRequest request) {
        String raw = request.query();
        if (raw == null || raw.isEmpty()) {
            return FormCodec.decode(new byte[0]);
        }
        Form form;
        try {
            form = FormCodec.decode(raw.getBytes(StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            throw OAuthError.INVALID_REQUEST.describe("the query is not well formed").toException();
        }
        if (!form.names().equals(Set.of("client_id")) || !form.repeated().isEmpty()) {
            throw OAuthError.INVALID_REQUEST.describe("the query may hold one client_id and nothing else;"
                    + " authenticate with the Authorization header or a client certificate").toException();
        }
        return form;
    }

    private void broadcast(String frames) {
        for (Subscriber s : subscribers.values()) {
            s.context().runOnContext(v -> {
                if (s.response().closed() || s.response().ended()) { // ended: by the shutdown handler
                    subscribers.remove(s.response());
                } else if (s.response().writeQueueFull()) {
                    subscribers.remove(s.response());
                    s.response().reset();
                } else {
                    s.response().write(frames);
                }
            });
        }
    }
}
