package dev.keycard.server.http;

import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.OAuthException;
import dev.keycard.server.revoke.TokenRevocation;
import dev.keycard.server.store.StoreException;
import dev.keycard.server.token.TokenHttpRequest;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth2/revoke} over HTTP, RFC 7009 §2. The request runs on a worker thread: a
 * revocation is written to the store before it is answered. Success is 200 with an empty body
 * (§2.2); a store that does not answer is 503 {@code temporarily_unavailable} with
 * {@code Retry-After} (§2.2.1), so the client tries again.
 */
final class RevocationRoute implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationRoute.class);

    private final Vertx vertx;
    private final TokenRevocation endpoint;
    private final int maxBodyBytes;
    private final long timeoutMillis;

    RevocationRoute(Vertx vertx, TokenRevocation endpoint, int maxBodyBytes, long timeoutMillis) {
        this.vertx = vertx;
        this.endpoint = endpoint;
        this.maxBodyBytes = maxBodyBytes;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void handle(HttpServerRequest request) {
        OAuthRequests.read(vertx, request, maxBodyBytes, timeoutMillis, http -> respond(request, http));
    }

    private void respond(HttpServerRequest request, TokenHttpRequest http) {
        vertx.executeBlocking(() -> endpoint.handle(http), false).onComplete(done -> {
            if (done.succeeded()) {
                request.response().setStatusCode(200).putHeader("Cache-Control", "no-store")
                        .putHeader("Pragma", "no-cache").end();
                return;
            }
            Throwable e = done.cause();
            if (e instanceof OAuthException oauth) {
                OAuthRequests.refuse(request, LOG, "revocation", oauth);
            } else if (e instanceof StoreException) {
                LOG.warn("revocation failed: store unavailable: {}", e.getMessage());
                request.response().putHeader("Retry-After", "5");
                Responses.oauthError(request, OAuthError.TEMPORARILY_UNAVAILABLE
                        .describe("the revocation could not be stored; retry later"));
            } else {
                LOG.error("revocation failed unexpectedly", e);
                Responses.oauthError(request, OAuthError.SERVER_ERROR.describe("the server could not answer"));
            }
        });
    }
}
