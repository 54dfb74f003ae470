package dev.keycard.server.http;

import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.OAuthException;
import dev.keycard.server.token.TokenEndpoint;
import dev.keycard.server.token.TokenHttpRequest;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth2/token} over HTTP. The whole request runs on the event loop: the pipeline
 * reads only memory, and signing is the CPU work the loop is there for.
 */
final class TokenRoute implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(TokenRoute.class);

    private final Vertx vertx;
    private final TokenEndpoint endpoint;
    private final int maxBodyBytes;
    private final long timeoutMillis;

    TokenRoute(Vertx vertx, TokenEndpoint endpoint, int maxBodyBytes, long timeoutMillis) {
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
        try {
            Responses.noStoreJson(request, 200, endpoint.handle(http).toJson());
        } catch (OAuthException e) {
            OAuthRequests.refuse(request, LOG, "token request", e);
        } catch (RuntimeException e) {
            LOG.error("token request failed unexpectedly", e);
            Responses.oauthError(request, OAuthError.SERVER_ERROR.describe("the server could not answer"));
        }
    }
}
