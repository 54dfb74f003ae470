package dev.keycard.server.token;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A request to an OAuth endpoint (token, introspection, revocation) as it arrived, before anything
 * is checked: what the pipelines need of HTTP.
 *
 * @param method the HTTP method
 * @param contentType the {@code Content-Type} header, if sent
 * @param authorization the {@code Authorization} header, if sent
 * @param body the whole body
 * @param source the address of the client that sent it (behind a trusted proxy, the one the proxy
 *     names), for the back-off after failed authentication
 * @param caller where the pipeline notes the client it authenticated, for the access log
 * @param dpop every {@code DPoP} header sent (RFC 9449 §4.1), usually none or one
 * @param certificates the client's certificate chain, leaf first (RFC 8705): the TLS
 *     connection's, or the one a trusted proxy forwarded (RFC 9440); empty without one. Read
 *     through {@link #clientCertificate()}, only by a request that needs it (mutual-TLS
 *     authentication, a certificate-bound token)
 */
public record TokenHttpRequest(String method, @Nullable String contentType, @Nullable String authorization,
                               byte[] body, String source, Caller caller, List<String> dpop,
                               Supplier<List<X509Certificate>> certificates) {

    public TokenHttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(caller, "caller");
        dpop = List.copyOf(dpop);
        Objects.requireNonNull(certificates, "certificates");
    }

    /** A request without a client certificate. */
    public TokenHttpRequest(String method, @Nullable String contentType, @Nullable String authorization,
                            byte[] body, String source, Caller caller, List<String> dpop) {
        this(method, contentType, authorization, body, source, caller, dpop, List::of);
    }

    /** The client's certificate chain, leaf first; empty without one. */
    public List<X509Certificate> clientCertificate() {
        return certificates.get();
    }

    /** A request without a DPoP proof. */
    public TokenHttpRequest(String method, @Nullable String contentType, @Nullable String authorization,
                            byte[] body, String source, Caller caller) {
        this(method, contentType, authorization, body, source, caller, List.of());
    }

    /** A request whose caller nobody reads afterwards (benchmarks, tests). */
    public TokenHttpRequest(String method, @Nullable String contentType, @Nullable String authorization,
                            byte[] body, String source) {
        this(method, contentType, authorization, body, source, new Caller());
    }

    /** Never the Authorization header or the body: both may carry the client's secret. */
    @Override
    public String toString() {
        return "TokenHttpRequest[" + method + ", " + contentType + ", " + body.length + " bytes]";
    }
}
