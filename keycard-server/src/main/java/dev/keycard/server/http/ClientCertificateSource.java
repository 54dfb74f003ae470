package dev.keycard.server.http;

import dev.keycard.server.config.AddressRanges;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The client certificate of a request, leaf first (RFC 8705): the one the TLS connection
 * presented; or, when the connection comes from an address of {@code tls.trusted-proxies} (a proxy
 * that terminates TLS), the one it forwards in the RFC 9440 {@code Client-Cert} header (an sf-binary:
 * {@code :base64 DER:}) with {@code Client-Cert-Chain}. From any other address that header is
 * ignored, so nobody can claim a certificate by writing a header. A header that does not parse is
 * no certificate.
 */
final class ClientCertificateSource {

    /** RFC 9440 §2: one certificate; its DER is a few KiB, a chain a few of them. */
    private static final int MAX_HEADER_CHARS = 16 * 1024;

    private final AddressRanges trustedProxies;

    ClientCertificateSource(AddressRanges trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    List<X509Certificate> of(HttpServerRequest request) {
        if (!trustedProxies.isEmpty()) {
            SocketAddress remote = request.remoteAddress();
            if (remote != null && remote.hostAddress() != null && trustedProxies.contains(remote.hostAddress())) {
                return forwarded(request);
            }
        }
        if (!request.isSSL()) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : request.connection().peerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
            return chain;
        } catch (SSLPeerUnverifiedException e) {
            return List.of(); // the client sent none
        }
    }

    /** RFC 9440 §2.2 and §2.3: {@code Client-Cert} and the optional {@code Client-Cert-Chain}. */
    private static List<X509Certificate> forwarded(HttpServerRequest request) {
        List<String> leaf = request.headers().getAll("Client-Cert");
        if (leaf.size() != 1) {
            return List.of();
        }
        List<X509Certificate> chain = new ArrayList<>();
        X509Certificate cert = binary(leaf.get(0).strip());
        if (cert == null) {
            return List.of();
        }
        chain.add(cert);
        for (String header : request.headers().getAll("Client-Cert-Chain")) {
            if (header.length() > MAX_HEADER_CHARS) {
                return List.of(cert);
            }
            for (String member : header.split(",")) {
                X509Certificate next = binary(member.strip());
                if (next == null) {
                    return List.of(cert); // a chain that does not parse: the leaf alone
                }
                chain.add(next);
            }
        }
        return chain;
    }

    /** An sf-binary item (RFC 8941 §3.3.5) holding one DER certificate; null when it is not one. */
    private static X509Certificate binary(String item) {
        if (item.length() < 3 || item.length() > MAX_HEADER_CHARS || item.charAt(0) != ':'
                || item.charAt(item.length() - 1) != ':') {
            return null;
        }
        try {
            byte[] der = Base64.getDecoder().decode(item.substring(1, item.length() - 1));
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
            return null;
        }
    }
}
