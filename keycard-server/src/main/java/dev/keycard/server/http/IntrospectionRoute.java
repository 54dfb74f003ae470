package dev.keycard.server.http;

import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.OAuthException;
import dev.keycard.server.introspect.Introspection;
import dev.keycard.server.introspect.IntrospectionJwt;
import dev.keycard.server.introspect.TokenIntrospection;
import dev.keycard.server.token.TokenHttpRequest;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth2/introspect} over HTTP, RFC 7662 §2: JSON (§2.2), or a signed JWT (RFC 9701
 * §5) when the request's {@code Accept} asks for one. Errors as RFC 7662 §2.3 says (those of RFC
 * 6749 §5.2). The whole request runs on the event loop: introspection reads only memory.
 */
final class IntrospectionRoute implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(IntrospectionRoute.class);

    private final Vertx vertx;
    private final TokenIntrospection endpoint;
    private final IntrospectionJwt jwt;
    private final int maxBodyBytes;
    private final long timeoutMillis;

    IntrospectionRoute(Vertx vertx, TokenIntrospection endpoint, IntrospectionJwt jwt, int maxBodyBytes,
                       long timeoutMillis) {
        this.vertx = vertx;
        this.endpoint = endpoint;
        this.jwt = jwt;
        this.maxBodyBytes = maxBodyBytes;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void handle(HttpServerRequest request) {
        OAuthRequests.read(vertx, request, maxBodyBytes, timeoutMillis, http -> respond(request, http));
    }

    private void respond(HttpServerRequest request, TokenHttpRequest http) {
        try {
            Introspection answer = endpoint.handle(http);
            if (IntrospectionJwt.isAsked(request.getHeader("Accept"))) {
                HttpServerResponse r = request.response().setStatusCode(200);
                r.headers().set("Content-Type", IntrospectionJwt.MEDIA_TYPE).set("Cache-Control", "no-store")
                        .set("Pragma", "no-cache");
                r.end(jwt.sign(answer));
            } else {
                Responses.noStoreJson(request, 200, new JsonObject(answer.members()).encode());
            }
        } catch (OAuthException e) {
            OAuthRequests.refuse(request, LOG, "introspection", e);
        } catch (RuntimeException e) {
            LOG.error("introspection failed unexpectedly", e);
            Responses.oauthError(request, OAuthError.SERVER_ERROR.describe("the server could not answer"));
        }
    }
}
