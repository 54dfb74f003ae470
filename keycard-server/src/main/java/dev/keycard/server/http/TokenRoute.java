package dev.keycard.server.http;

import dev.keycard.protocol.OAuthException;
import dev.keycard.server.token.TokenEndpoint;
import dev.keycard.server.token.TokenHttpRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST /oauth2/token} over HTTP. The whole request runs on the event loop: the pipeline
 * reads only memory, and signing is the CPU work the loop is there for.
 */
final class TokenRoute extends OAuthFormRoute {

    private final TokenEndpoint endpoint;

    TokenRoute(RouteSupport support, TokenEndpoint endpoint) {
        super(support, "token request");
        this.endpoint = endpoint;
    }

    @Override
    void respond(HttpServerRequest request, TokenHttpRequest http) {
        try {
            Responses.noStoreJson(request, 200, endpoint.handle(http).toJson());
        } catch (OAuthException e) {
            refuse(request, e);
        } catch (RuntimeException e) {
            fail(request, e);
        }
    }
}
