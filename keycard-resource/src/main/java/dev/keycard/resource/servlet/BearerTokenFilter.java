package dev.keycard.resource.servlet;

import dev.keycard.protocol.ScopeSet;
import dev.keycard.resource.AccessTokenVerifier;
import dev.keycard.resource.BearerAuthentication;
import dev.keycard.resource.BearerError;
import dev.keycard.resource.DPoPProofVerifier;
import dev.keycard.resource.ForwardedClientCertificate;
import dev.keycard.resource.VerifiedToken;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Optional;

/**
 * A Jakarta Servlet filter that lets a request through only with a valid access token carrying
 * the required scopes, and answers every other request with its RFC 6750 §3 error: a bearer token
 * (RFC 6750), or a DPoP-bound token with its proof (RFC 9449 §7; the proof's {@code htu} is
 * compared with {@link HttpServletRequest#getRequestURL()}, or with {@link #publicOrigin} and the
 * request's path behind a proxy).
 * The verified token is left in the request attribute {@link #TOKEN_ATTRIBUTE}; read it with
 * {@link #token(ServletRequest)}.
 *
 * <p>Shaped as the Vert.x adapter ({@code BearerTokenHandler}): {@link #create} from a verifier,
 * then {@link #requireScopes} for what a path needs.
 *
 * <pre>{@code
 * var filter = BearerTokenFilter.create(verifier).requireScopes("jobs:read");
 * context.addFilter(new FilterHolder(filter), "/jobs/*", EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 */
public final class BearerTokenFilter implements Filter {

    /** The request attribute holding the {@link VerifiedToken}. */
    public static final String TOKEN_ATTRIBUTE = VerifiedToken.class.getName();

    private final BearerAuthentication authentication;
    private final ScopeSet required;
    private final java.util.Set<String> certificateProxies;
    private final @org.jspecify.annotations.Nullable URI publicOrigin;

    /** A filter that requires a valid token and no particular scope. */
    public static BearerTokenFilter create(AccessTokenVerifier verifier) {
        return new BearerTokenFilter(verifier);
    }

    /** A filter whose DPoP proofs {@code proofs} checks (nonces, algorithms, window). */
    public static BearerTokenFilter create(AccessTokenVerifier verifier, DPoPProofVerifier proofs) {
        return new BearerTokenFilter(new BearerAuthentication(verifier, proofs), ScopeSet.empty(), java.util.Set.of(), null);
    }

    /** Like {@link #create}, for containers and code that construct filters. */
    public BearerTokenFilter(AccessTokenVerifier verifier) {
        this(new BearerAuthentication(verifier), ScopeSet.empty(), java.util.Set.of(), null);
    }

    private BearerTokenFilter(BearerAuthentication authentication, ScopeSet required, java.util.Set<String> certificateProxies,
                              @org.jspecify.annotations.Nullable URI publicOrigin) {
        this.authentication = authentication;
        this.required = required;
        this.certificateProxies = certificateProxies;
        this.publicOrigin = publicOrigin;
    }

    /** A filter like this one that requires these scopes (instead of any it required). */
    public BearerTokenFilter requireScopes(String... scopes) {
        return new BearerTokenFilter(authentication, ScopeSet.of(scopes), certificateProxies, publicOrigin);
    }

    /**
     * A filter like this one that, for a request whose peer ({@link HttpServletRequest#getRemoteAddr()})
     * is one of these IP addresses (TLS-terminating proxies), takes the client certificate from the
     * RFC 9440 {@code Client-Cert} header instead of the connection, for certificate-bound tokens
     * (RFC 8705 §3). From any other address the header is ignored.
     */
    public BearerTokenFilter clientCertificateFromProxies(java.util.Collection<String> addresses) {
        return new BearerTokenFilter(authentication, required, java.util.Set.copyOf(addresses), publicOrigin);
    }

    /**
     * A filter like this one that compares a DPoP proof's {@code htu} with this scheme, host and
     * port (e.g. {@code https://jobs.example}) and the request's path, instead of the URL the
     * container sees: behind a TLS-terminating proxy the container sees {@code http}, while the
     * client signed the {@code https} URL it called (RFC 9449 §4.3).
     */
    public BearerTokenFilter publicOrigin(URI origin) {
        return new BearerTokenFilter(authentication, required, certificateProxies,
                dev.keycard.resource.internal.Origins.of(origin));
    }

    /** Like {@link #requireScopes(String...)}, with the scopes as the Vert.x adapter takes them. */
    public BearerTokenFilter requireScopes(Iterable<String> scopes) {
        java.util.List<String> list = new java.util.ArrayList<>();
        scopes.forEach(list::add);
        return requireScopes(list.toArray(String[]::new));
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        // Completes on this thread (join), so the request may be read when the checks ask.
        BearerAuthentication.Outcome outcome = authentication.authenticate(new ServletRequestView(http), required).join();
        switch (outcome) {
            case BearerAuthentication.Authorized a -> {
                request.setAttribute(TOKEN_ATTRIBUTE, a.token());
                chain.doFilter(request, response);
            }
            case BearerAuthentication.Refused r -> write((HttpServletResponse) response, r.error());
        }
    }

    /** What the checks need of a servlet request, the URI and certificate read only when asked. */
    private final class ServletRequestView implements BearerAuthentication.Request {
        private final HttpServletRequest http;

        ServletRequestView(HttpServletRequest http) {
            this.http = http;
        }

        @Override
        public java.util.List<String> authorization() {
            return Collections.list(http.getHeaders("Authorization"));
        }

        @Override
        public java.util.List<String> dpop() {
            return http.getHeader("DPoP") == null ? java.util.List.of() : Collections.list(http.getHeaders("DPoP"));
        }

        @Override
        public String method() {
            return http.getMethod();
        }

        @Override
        public URI uri() {
            if (publicOrigin != null) {
                return URI.create(publicOrigin + http.getRequestURI());
            }
            try {
                return new URI(http.getRequestURL().toString());
            } catch (URISyntaxException e) {
                return URI.create("http://invalid/"); // matches no proof's htu
            }
        }

        /** Servlet 6 §3.9: the TLS client certificate chain; from a listed proxy, its Client-Cert. */
        @Override
        public java.util.List<java.security.cert.X509Certificate> clientCertificate() {
            if (certificateProxies.contains(http.getRemoteAddr())) {
                return ForwardedClientCertificate.parse(Collections.list(http.getHeaders("Client-Cert")),
                        Collections.list(http.getHeaders("Client-Cert-Chain")));
            }
            Object chain = http.getAttribute("jakarta.servlet.request.X509Certificate");
            return chain instanceof java.security.cert.X509Certificate[] certs ? java.util.List.of(certs) : java.util.List.of();
        }
    }

    /** The token this filter verified for the request, if it ran. */
    public static Optional<VerifiedToken> token(ServletRequest request) {
        return Optional.ofNullable((VerifiedToken) request.getAttribute(TOKEN_ATTRIBUTE));
    }

    /**
     * For a check inside a servlet, where one path needs more than its filter requires: true when
     * the request's token carries the scopes; otherwise the 403 {@code insufficient_scope} (or 401,
     * if no filter verified a token) has been written and the servlet should return.
     */
    public static boolean requireScopes(HttpServletRequest request, HttpServletResponse response, String... scopes)
            throws IOException {
        ScopeSet needed = ScopeSet.of(scopes);
        Optional<VerifiedToken> token = token(request);
        if (token.isEmpty()) {
            write(response, BearerError.missingToken());
            return false;
        }
        if (!token.get().hasScopes(needed)) {
            write(response, BearerError.insufficientScope(needed));
            return false;
        }
        return true;
    }

    private static void write(HttpServletResponse response, BearerError error) throws IOException {
        response.setStatus(error.status());
        if (error.challenge() != null) {
            response.setHeader("WWW-Authenticate", error.challenge());
        }
        if (error.status() == 503) {
            response.setHeader("Retry-After", "5");
        }
        if (error.dpopNonce() != null) {
            response.setHeader("DPoP-Nonce", error.dpopNonce());
        }
        response.setHeader("Cache-Control", "no-store");
        byte[] body = error.json().getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
