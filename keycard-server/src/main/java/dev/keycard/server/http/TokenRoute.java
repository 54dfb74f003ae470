package dev.keycard.server.http;

import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.OAuthException;
import dev.keycard.server.token.TokenEndpoint;
import dev.keycard.server.token.TokenHttpRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionException;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST /oauth2/token} over HTTP. The whole request runs on the event loop: the pipeline
 * reads only memory, and signing is the CPU work the loop is there for. A request with a client
 * assertion is answered once its last checks settle (its {@code jti} committed to the store, a
 * client's key set fetched), which the event loop does not wait for: the pipeline goes on on the
 * loop when they have ({@link TokenEndpoint#handleAsync}). An answer to a request with a DPoP proof
 * carries the server's current nonce when nonces are required, and a {@code use_dpop_nonce}
 * refusal always does (RFC 9449 §8).
 */
final class TokenRoute extends OAuthFormRoute {

    private final TokenEndpoint endpoint;

    TokenRoute(RouteSupport support, TokenEndpoint endpoint) {
        super(support, "token request");
        this.endpoint = endpoint;
    }

    @Override
    void respond(HttpServerRequest request, TokenHttpRequest http) {
        Context context = vertx.getOrCreateContext();
        endpoint.handleAsync(http, task -> context.runOnContext(v -> task.run())).whenComplete((token, failure) -> {
            try {
                if (!http.dpop().isEmpty()) {
                    // RFC 9449 §8: the nonce the next proof must carry.
                    Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
                    boolean useNonce = cause instanceof OAuthException e && e.error().error() == OAuthError.USE_DPOP_NONCE;
                    endpoint.dpop().nonce(useNonce).ifPresent(n -> request.response().putHeader("DPoP-Nonce", n));
                }
                if (failure == null) {
                    Responses.noStoreJson(request, 200, token.toJson());
                } else if (failure instanceof OAuthException e) {
                    refuse(request, e);
                } else if (failure instanceof CompletionException c && c.getCause() instanceof OAuthException e) {
                    refuse(request, e);
                } else {
                    fail(request, failure);
                }
            } catch (RuntimeException e) {
                fail(request, e);
            }
        });
    }
}
