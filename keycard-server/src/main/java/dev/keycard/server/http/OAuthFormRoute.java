package dev.keycard.server.http;

import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.OAuthException;
import dev.keycard.protocol.FormCodec;
import dev.keycard.server.client.ClientAuthenticator;
import dev.keycard.server.token.TokenHttpRequest;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the form-posting OAuth endpoints (token, introspection, revocation) share over HTTP:
 * reading the body within its limits (413/408 as {@code invalid_request}), then answering a
 * refusal or an unexpected failure as RFC 6749 §5.2 says. A route says how to answer the request.
 */
abstract class OAuthFormRoute implements Handler<HttpServerRequest> {

    /**
     * Where requests with a client assertion run: a virtual thread each, as they mostly wait (for
     * the commit that spends their jti, shared with the requests around them), and a bounded pool
     * of platform threads would cap how many wait together, so how many one commit serves.
     */
    private static final ExecutorService ASSERTION_THREADS = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("keycard-assertion-", 0).factory());

    protected final Vertx vertx;
    private final RouteSupport support;
    private final String what;
    private final Logger log;

    /** @param what the endpoint as the log names it, e.g. {@code token request} */
    OAuthFormRoute(RouteSupport support, String what) {
        this.vertx = support.vertx();
        this.support = support;
        this.what = what;
        this.log = LoggerFactory.getLogger(getClass());
    }

    @Override
    public final void handle(HttpServerRequest request) {
        BodyReader.read(vertx, request, support.maxBodyBytes(), support.timeoutMillis(),
                (status, description) -> Responses.oauthError(request,
                        new OAuthError("invalid_request", status).describe(description)),
                body -> respond(request, new TokenHttpRequest(request.method().name(),
                        request.getHeader("Content-Type"), request.getHeader("Authorization"), body,
                        support.source(request), support.accessLog().caller(request),
                        request.getHeader("DPoP") == null ? List.of() : request.headers().getAll("DPoP"),
                        support.clientCertificate(request))));
    }

    /** Answers a request whose body has arrived within the limits. */
    abstract void respond(HttpServerRequest request, TokenHttpRequest http);

    /**
     * Runs {@code work}, then {@code answer} with its result, answering a refusal or a failure
     * itself. On the event loop, as the endpoints read only memory, except for a request that
     * authenticates with a client assertion: its check may wait for the store (the single use of
     * its {@code jti}) or for a client's key set, so it runs on a virtual thread of its own.
     */
    final <T> void run(HttpServerRequest request, TokenHttpRequest http, Callable<T> work, Consumer<T> answer) {
        if (!usesAssertion(http.body())) {
            try {
                answer.accept(work.call());
            } catch (OAuthException e) {
                refuse(request, e);
            } catch (Exception e) {
                fail(request, e);
            }
            return;
        }
        Context context = vertx.getOrCreateContext();
        ASSERTION_THREADS.execute(() -> {
            T result = null;
            Throwable failure = null;
            try {
                result = work.call();
            } catch (Throwable e) {
                failure = e;
            }
            T done = result;
            Throwable failed = failure;
            context.runOnContext(v -> {
                try {
                    if (failed == null) {
                        answer.accept(done);
                    } else if (failed instanceof OAuthException e) {
                        refuse(request, e);
                    } else {
                        fail(request, failed);
                    }
                } catch (RuntimeException e) {
                    fail(request, e);
                }
            });
        });
    }

    private static boolean usesAssertion(byte[] body) {
        try {
            return ClientAuthenticator.usesAssertion(FormCodec.decode(body));
        } catch (RuntimeException e) {
            return false; // not a form: the endpoint refuses it without looking further
        }
    }

    /** Answers a refusal; its private detail goes to the debug log only. */
    final void refuse(HttpServerRequest request, OAuthException e) {
        OAuthError.Described error = e.error();
        if (log.isDebugEnabled()) {
            log.debug("{} refused: {} ({}) {}", what, error.error().code(), error.description(), error.detail());
        }
        Responses.oauthError(request, error);
    }

    /** Answers what should never happen with 500 {@code server_error}; the detail goes to the log. */
    final void fail(HttpServerRequest request, Throwable e) {
        log.error("{} failed unexpectedly", what, e);
        Responses.oauthError(request, OAuthError.SERVER_ERROR.describe("the server could not answer"));
    }

    final Logger log() {
        return log;
    }
}
