package dev.keycard.server.http;

import dev.keycard.server.introspect.IntrospectionJwt;
import dev.keycard.server.introspect.TokenIntrospection;
import dev.keycard.server.token.TokenHttpRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * {@code POST /oauth2/introspect} over HTTP, RFC 7662 §2: JSON (§2.2), or a signed JWT (RFC 9701
 * §5) when the request's {@code Accept} asks for one. Errors as RFC 7662 §2.3 says (those of RFC
 * 6749 §5.2). The whole request runs on the event loop: introspection reads only memory (a
 * request with a client assertion: on a virtual thread, {@link OAuthFormRoute#run}).
 */
final class IntrospectionRoute extends OAuthFormRoute {

    private final TokenIntrospection endpoint;
    private final IntrospectionJwt jwt;

    IntrospectionRoute(RouteSupport support, TokenIntrospection endpoint, IntrospectionJwt jwt) {
        super(support, "introspection");
        this.endpoint = endpoint;
        this.jwt = jwt;
    }

    @Override
    void respond(HttpServerRequest request, TokenHttpRequest http) {
        run(request, http, () -> endpoint.handle(http), answer -> {
            if (IntrospectionJwt.isAsked(request.getHeader("Accept"))) {
                HttpServerResponse r = request.response().setStatusCode(200);
                r.headers().set("Content-Type", IntrospectionJwt.MEDIA_TYPE).set("Cache-Control", "no-store")
                        .set("Pragma", "no-cache");
                r.end(jwt.sign(answer));
            } else {
                Responses.noStoreJson(request, 200, new JsonObject(answer.members()).encode());
            }
        });
    }
}
