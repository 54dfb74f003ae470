package dev.keycard.server.http;

import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.OAuthException;
import dev.keycard.server.revoke.TokenRevocation;
import dev.keycard.server.store.StoreException;
import dev.keycard.server.token.TokenHttpRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST /oauth2/revoke} over HTTP, RFC 7009 §2. The request runs on a worker thread: a
 * revocation is written to the store before it is answered. Success is 200 with an empty body
 * (§2.2); a store that does not answer is 503 {@code temporarily_unavailable} with
 * {@code Retry-After} (§2.2.1), so the client tries again.
 */
final class RevocationRoute extends OAuthFormRoute {

    private final TokenRevocation endpoint;

    RevocationRoute(RouteSupport support, TokenRevocation endpoint) {
        super(support, "revocation");
        this.endpoint = endpoint;
    }

    @Override
    void respond(HttpServerRequest request, TokenHttpRequest http) {
        vertx.executeBlocking(() -> endpoint.handle(http), false).onComplete(done -> {
            if (done.succeeded()) {
                request.response().setStatusCode(200).putHeader("Cache-Control", "no-store")
                        .putHeader("Pragma", "no-cache").end();
                return;
            }
            Throwable e = done.cause();
            if (e instanceof OAuthException oauth) {
                refuse(request, oauth);
            } else if (e instanceof StoreException) {
                log().warn("revocation failed: store unavailable: {}", e.getMessage());
                request.response().putHeader("Retry-After", "5");
                Responses.oauthError(request, OAuthError.TEMPORARILY_UNAVAILABLE
                        .describe("the revocation could not be stored; retry later"));
            } else {
                fail(request, e);
            }
        });
    }
}
