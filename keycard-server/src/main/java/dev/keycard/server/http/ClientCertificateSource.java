package dev.keycard.server.http;

import dev.keycard.resource.ForwardedClientCertificate;
import dev.keycard.server.config.AddressRanges;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * The client certificate of a request, leaf first (RFC 8705): the one the TLS connection
 * presented; or, when the connection comes from an address of {@code tls.trusted-proxies} (a proxy
 * that terminates TLS), the one it forwards in the RFC 9440 {@code Client-Cert} header (an sf-binary:
 * {@code :base64 DER:}) with {@code Client-Cert-Chain}. From any other address that header is
 * ignored, so nobody can claim a certificate by writing a header. A header that does not parse is
 * no certificate.
 */
final class ClientCertificateSource {

    private final AddressRanges trustedProxies;

    ClientCertificateSource(AddressRanges trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /**
     * The request's certificate, read when first asked (most requests never ask: only mutual-TLS
     * authentication and certificate-bound tokens do) and then kept. The TLS session is taken now,
     * on the event loop; reading its peer certificates is safe from the thread that asks.
     */
    Supplier<List<X509Certificate>> of(HttpServerRequest request) {
        if (!trustedProxies.isEmpty()) {
            SocketAddress remote = request.remoteAddress();
            if (remote != null && remote.hostAddress() != null && trustedProxies.contains(remote.hostAddress())) {
                List<X509Certificate> chain = forwarded(request);
                return () -> chain;
            }
        }
        if (!request.isSSL()) {
            return List::of;
        }
        SSLSession session = request.sslSession();
        return new Supplier<>() {
            private volatile @Nullable List<X509Certificate> read;

            @Override
            public List<X509Certificate> get() {
                List<X509Certificate> chain = read;
                if (chain == null) {
                    chain = peerCertificates(session);
                    read = chain;
                }
                return chain;
            }
        };
    }

    private static List<X509Certificate> peerCertificates(@Nullable SSLSession session) {
        if (session == null) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : session.getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
            return List.copyOf(chain);
        } catch (SSLPeerUnverifiedException e) {
            return List.of(); // the client sent none
        }
    }

    /** RFC 9440 §2.2 and §2.3: {@code Client-Cert} and the optional {@code Client-Cert-Chain}. */
    private static List<X509Certificate> forwarded(HttpServerRequest request) {
        return ForwardedClientCertificate.parse(request.headers().getAll("Client-Cert"),
                request.headers().getAll("Client-Cert-Chain"));
    }
}
