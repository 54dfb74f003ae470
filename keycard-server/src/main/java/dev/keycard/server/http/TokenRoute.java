package dev.keycard.server.http;

import dev.keycard.server.token.TokenEndpoint;
import dev.keycard.server.token.TokenHttpRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST /oauth2/token} over HTTP. The whole request runs on the event loop: the pipeline
 * reads only memory, and signing is the CPU work the loop is there for. A request with a client
 * assertion runs on a worker thread ({@link OAuthFormRoute#run}).
 */
final class TokenRoute extends OAuthFormRoute {

    private final TokenEndpoint endpoint;

    TokenRoute(RouteSupport support, TokenEndpoint endpoint) {
        super(support, "token request");
        this.endpoint = endpoint;
    }

    @Override
    void respond(HttpServerRequest request, TokenHttpRequest http) {
        run(request, http, () -> endpoint.handle(http), token -> Responses.noStoreJson(request, 200, token.toJson()));
    }
}
