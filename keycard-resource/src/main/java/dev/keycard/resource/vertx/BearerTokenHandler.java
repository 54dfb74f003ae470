package dev.keycard.resource.vertx;

import dev.keycard.protocol.ScopeSet;
import dev.keycard.resource.AccessTokenVerifier;
import dev.keycard.resource.BearerAuthentication;
import dev.keycard.resource.BearerError;
import dev.keycard.resource.DPoPProofVerifier;
import dev.keycard.resource.ForwardedClientCertificate;
import dev.keycard.resource.VerifiedToken;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Access-token protection for Vert.x core request handlers: bearer tokens (RFC 6750) and
 * DPoP-bound tokens with their proofs (RFC 9449 §7; the proof's {@code htu} is compared with
 * {@link HttpServerRequest#absoluteURI()}). A request goes on to the protected handler with its
 * {@link VerifiedToken} only when the token is valid and carries the required scopes; every other
 * request gets its RFC 6750 §3 (or RFC 9449 §7.1) error. Verification never blocks
 * the event loop: it completes at once from the key set in memory, and when keys must be fetched
 * the request is paused and resumed on its own context.
 *
 * <p>Shaped as the Servlet adapter ({@code BearerTokenFilter}): {@link #create} from a verifier,
 * then {@link #requireScopes} for what a path needs.
 *
 * <pre>{@code
 * var bearer = BearerTokenHandler.create(verifier);
 * Handler<HttpServerRequest> list = bearer.requireScopes(List.of("jobs:read"), (req, token) -> ...);
 * }</pre>
 */
public final class BearerTokenHandler {

    private final BearerAuthentication authentication;
    private final java.util.Set<String> certificateProxies;
    private final @org.jspecify.annotations.Nullable URI publicOrigin;

    private BearerTokenHandler(BearerAuthentication authentication, java.util.Set<String> certificateProxies,
                               @org.jspecify.annotations.Nullable URI publicOrigin) {
        this.authentication = authentication;
        this.certificateProxies = certificateProxies;
        this.publicOrigin = publicOrigin;
    }

    /**
     * Protection like this one that compares a DPoP proof's {@code htu} with this scheme, host and
     * port and the request's path, instead of {@link HttpServerRequest#absoluteURI()}: behind a
     * TLS-terminating proxy the server sees {@code http}, while the client signed the {@code https}
     * URL it called.
     */
    public BearerTokenHandler publicOrigin(URI origin) {
        return new BearerTokenHandler(authentication, certificateProxies,
                dev.keycard.resource.internal.Origins.of(origin));
    }

    /**
     * Protection like this one that, for a request whose peer is one of these IP addresses
     * (TLS-terminating proxies), takes the client certificate from the RFC 9440 {@code Client-Cert}
     * header instead of the connection, for certificate-bound tokens (RFC 8705 §3). From any other
     * address the header is ignored.
     */
    public BearerTokenHandler clientCertificateFromProxies(java.util.Collection<String> addresses) {
        return new BearerTokenHandler(authentication, java.util.Set.copyOf(addresses), publicOrigin);
    }

    /** Protection that requires a valid token; each handler made by {@link #requireScopes} adds its scopes. */
    public static BearerTokenHandler create(AccessTokenVerifier verifier) {
        return new BearerTokenHandler(new BearerAuthentication(verifier), java.util.Set.of(), null);
    }

    /** Like {@link #create(AccessTokenVerifier)}, with DPoP proofs checked by {@code proofs}. */
    public static BearerTokenHandler create(AccessTokenVerifier verifier, DPoPProofVerifier proofs) {
        return new BearerTokenHandler(new BearerAuthentication(verifier, proofs), java.util.Set.of(), null);
    }

    /** A handler that calls {@code next} only for a valid token carrying every one of {@code scopes}. */
    public Handler<HttpServerRequest> requireScopes(Iterable<String> scopes,
                                                    BiConsumer<HttpServerRequest, VerifiedToken> next) {
        java.util.List<String> list = new java.util.ArrayList<>();
        scopes.forEach(list::add);
        ScopeSet required = ScopeSet.of(list.toArray(String[]::new));
        return request -> {
            CompletableFuture<BearerAuthentication.Outcome> outcome =
                    authentication.authenticate(new VertxRequestView(request), required);
            if (outcome.isDone()) {
                dispatch(request, outcome.join(), next);
                return;
            }
            Context context = Vertx.currentContext();
            request.pause();
            outcome.whenComplete((o, failure) -> {
                Runnable resume = () -> {
                    request.resume();
                    dispatch(request, o != null ? o : new BearerAuthentication.Refused(BearerError.unavailable()), next);
                };
                if (context != null) {
                    context.runOnContext(v -> resume.run());
                } else {
                    resume.run();
                }
            });
        };
    }

    /**
     * What the checks need of a Vert.x request. The headers, the method, the URI's text and the TLS
     * session are taken now, on the event loop: the checks may complete on another thread when keys
     * must be fetched. The URI is parsed, and the peer certificates read, only when a check asks
     * (a DPoP proof; a certificate-bound token): a bearer token costs neither, and a TLS connection
     * without a client certificate no exception per request.
     */
    private final class VertxRequestView implements BearerAuthentication.Request {
        private final java.util.List<String> authorization;
        private final java.util.List<String> dpop;
        private final String method;
        private final @org.jspecify.annotations.Nullable String target;
        private final java.util.List<java.security.cert.X509Certificate> forwarded;
        private final javax.net.ssl.@org.jspecify.annotations.Nullable SSLSession session;

        VertxRequestView(HttpServerRequest request) {
            this.authorization = request.headers().getAll("Authorization");
            this.dpop = request.getHeader("DPoP") == null ? java.util.List.of() : request.headers().getAll("DPoP");
            this.method = request.method().name();
            this.target = dpop.isEmpty() ? null
                    : publicOrigin != null ? publicOrigin + request.path() : request.absoluteURI();
            io.vertx.core.net.SocketAddress peer = request.remoteAddress();
            boolean fromProxy = !certificateProxies.isEmpty() && peer != null && certificateProxies.contains(peer.hostAddress());
            this.forwarded = fromProxy ? ForwardedClientCertificate.parse(request.headers().getAll("Client-Cert"),
                    request.headers().getAll("Client-Cert-Chain")) : java.util.List.of();
            this.session = !fromProxy && request.isSSL() ? request.sslSession() : null;
        }

        @Override
        public java.util.List<String> authorization() {
            return authorization;
        }

        @Override
        public java.util.List<String> dpop() {
            return dpop;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public URI uri() {
            try {
                return target == null ? URI.create("http://invalid/") : new URI(target);
            } catch (URISyntaxException e) {
                return URI.create("http://invalid/"); // matches no proof's htu
            }
        }

        /** The TLS client certificate chain, when the client sent one; from a listed proxy, its Client-Cert. */
        @Override
        public java.util.List<java.security.cert.X509Certificate> clientCertificate() {
            if (session == null) {
                return forwarded;
            }
            try {
                java.util.List<java.security.cert.X509Certificate> chain = new java.util.ArrayList<>();
                for (java.security.cert.Certificate c : session.getPeerCertificates()) {
                    if (c instanceof java.security.cert.X509Certificate x) {
                        chain.add(x);
                    }
                }
                return chain;
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                return java.util.List.of();
            }
        }
    }

    private static void dispatch(HttpServerRequest request, BearerAuthentication.Outcome outcome,
                                 BiConsumer<HttpServerRequest, VerifiedToken> next) {
        switch (outcome) {
            case BearerAuthentication.Authorized a -> next.accept(request, a.token());
            case BearerAuthentication.Refused r -> write(request.response(), r.error());
        }
    }

    /** Writes an RFC 6750 §3 error response. */
    public static void write(HttpServerResponse response, BearerError error) {
        response.setStatusCode(error.status());
        if (error.challenge() != null) {
            response.putHeader("WWW-Authenticate", error.challenge());
        }
        if (error.status() == 503) {
            response.putHeader("Retry-After", "5");
        }
        if (error.dpopNonce() != null) {
            response.putHeader("DPoP-Nonce", error.dpopNonce());
        }
        response.putHeader("Cache-Control", "no-store").putHeader("Content-Type", "application/json").end(error.json());
    }
}
