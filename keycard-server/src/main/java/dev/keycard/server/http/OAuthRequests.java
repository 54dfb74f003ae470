package dev.keycard.server.http;

import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.OAuthException;
import dev.keycard.server.token.TokenHttpRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * What the form-posting OAuth endpoints (token, introspection, revocation) share over HTTP:
 * reading the body within its limits, and answering a refusal as RFC 6749 §5.2 says.
 */
final class OAuthRequests {

    private OAuthRequests() {
    }

    /** Reads the body (413/408 as {@code invalid_request} past the limits) and hands the request on. */
    static void read(Vertx vertx, HttpServerRequest request, int maxBodyBytes, long timeoutMillis,
                     Consumer<TokenHttpRequest> then) {
        BodyReader.read(vertx, request, maxBodyBytes, timeoutMillis,
                (status, description) -> Responses.oauthError(request,
                        new OAuthError("invalid_request", status).describe(description)),
                body -> then.accept(new TokenHttpRequest(request.method().name(), request.getHeader("Content-Type"),
                        request.getHeader("Authorization"), body)));
    }

    /** Answers a refusal; its private detail goes to the debug log only. */
    static void refuse(HttpServerRequest request, Logger log, String what, OAuthException e) {
        OAuthError.Described error = e.error();
        if (log.isDebugEnabled()) {
            log.debug("{} refused: {} ({}) {}", what, error.error().code(), error.description(), error.detail());
        }
        Responses.oauthError(request, error);
    }
}
