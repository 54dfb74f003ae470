package dev.keycard.resource;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The client certificate a TLS-terminating proxy forwards (RFC 9440): {@code Client-Cert}, one
 * sf-binary item ({@code :base64 of the DER:}, RFC 8941 §3.3.5), and {@code Client-Cert-Chain}, a
 * list of them. Believe these headers only from the proxy's own address: anyone else can write
 * them. A header that does not parse yields no certificate (or the leaf alone, for a chain).
 */
public final class ForwardedClientCertificate {

    /** A certificate is a few KiB; a header longer than this is not read. */
    static final int MAX_HEADER_CHARS = 16 * 1024;

    private ForwardedClientCertificate() {
    }

    /**
     * The chain, leaf first, from every value of the two headers; empty when there is no single
     * {@code Client-Cert} holding a certificate.
     */
    public static List<X509Certificate> parse(List<String> clientCert, List<String> clientCertChain) {
        if (clientCert.size() != 1) {
            return List.of();
        }
        X509Certificate leaf = item(clientCert.get(0).strip());
        if (leaf == null) {
            return List.of();
        }
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        for (String header : clientCertChain) {
            if (header.length() > MAX_HEADER_CHARS) {
                return List.of(leaf);
            }
            for (String member : header.split(",")) {
                X509Certificate next = item(member.strip());
                if (next == null) {
                    return List.of(leaf);
                }
                chain.add(next);
            }
        }
        return List.copyOf(chain);
    }

    private static @Nullable X509Certificate item(String item) {
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
