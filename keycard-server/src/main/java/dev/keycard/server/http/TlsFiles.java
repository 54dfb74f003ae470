package dev.keycard.server.http;

import dev.keycard.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS files of the main port, and their reload: every {@link #CHECK_MILLIS} the certificate,
 * key and CA files' modification times and sizes are compared with the last seen, and on a change
 * every server of the port is given the files anew. Connections made after that get the new
 * certificate; open ones keep theirs. A pair that does not load (a certificate replaced before
 * its key) leaves the last good one serving and is tried again at the next change.
 */
final class TlsFiles {

    private static final Logger LOG = LoggerFactory.getLogger(TlsFiles.class);
    /** TLS 1.2 and 1.3 only: 1.0 and 1.1 are retired (RFC 8996). */
    static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
    static final long CHECK_MILLIS = 2_000;

    private TlsFiles() {
    }

    static PemKeyCertOptions keyCert(ServerConfig.Tls tls) {
        return new PemKeyCertOptions().setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString());
    }

    /**
     * Client certificates are accepted by the handshake whoever issued them: it proves only that the
     * client holds the certificate's key. Whether the certificate is good for anything (a
     * {@code tls.client-ca-file} authority, the client's registered attribute or certificate, its
     * dates) is judged per request by {@code client.ClientCertificates}, so that a wrong or expired
     * certificate is answered {@code invalid_client} (RFC 8705 §2), not with a failed handshake,
     * and self-signed certificates (§2.2) can connect.
     */
    static io.vertx.core.net.TrustOptions trust(ServerConfig.Tls tls) {
        return io.vertx.core.net.TrustOptions.wrap(new AnyClientCertificate());
    }

    /** Accepts any client certificate chain; asks for no particular issuer. */
    private static final class AnyClientCertificate implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            // judged per request, see trust()
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("this trust manager judges client certificates only");
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }

    static ServerSSLOptions sslOptions(ServerConfig.Tls tls) {
        ServerSSLOptions options = new ServerSSLOptions().setKeyCertOptions(keyCert(tls))
                .setEnabledSecureTransportProtocols(PROTOCOLS).setUseAlpn(false);
        if (tls.wantClientCert()) {
            options.setClientAuth(ClientAuth.REQUEST).setTrustOptions(trust(tls));
        }
        return options;
    }

    /**
     * Loads the chain and key as the servers will, and checks that the key is the certificate's
     * (Netty would accept a mismatched pair and fail every handshake instead).
     *
     * @return what is wrong, if anything
     */
    static java.util.Optional<String> problem(Vertx vertx, ServerConfig.Tls tls) {
        try {
            PemKeyCertOptions pem = keyCert(tls);
            String alias = pem.loadKeyStore(vertx).aliases().nextElement();
            javax.net.ssl.X509KeyManager manager = (javax.net.ssl.X509KeyManager)
                    pem.getKeyManagerFactory(vertx).getKeyManagers()[0];
            java.security.PrivateKey key = manager.getPrivateKey(alias);
            java.security.cert.Certificate cert = manager.getCertificateChain(alias)[0];
            String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA"
                    : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : key.getAlgorithm();
            byte[] probe = "keycard tls key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature) ? java.util.Optional.empty()
                    : java.util.Optional.of("the key in " + tls.keyFile() + " is not the key of the certificate in "
                            + tls.certFile());
        } catch (Exception e) {
            return java.util.Optional.of(tls.certFile() + " and " + tls.keyFile() + " do not load: " + e.getMessage());
        }
    }

    /** Starts watching the files of {@code tls} for the {@code servers} of one port. */
    static void watch(Vertx vertx, ServerConfig.Tls tls, List<HttpServer> servers) {
        List<Path> files = tls.clientCaFile().map(ca -> List.of(tls.certFile(), tls.keyFile(), ca))
                .orElse(List.of(tls.certFile(), tls.keyFile()));
        String[] seen = {stamp(files)};
        // Reading and checking the files is blocking work: off the event loop.
        vertx.setPeriodic(CHECK_MILLIS, id -> vertx.<java.util.Optional<String>>executeBlocking(() -> {
            String now = stamp(files);
            if (now.equals(seen[0])) {
                return null;
            }
            seen[0] = now;
            return problem(vertx, tls);
        }, false).onSuccess(problem -> {
            if (problem == null) {
                return; // unchanged
            }
            if (problem.isPresent()) { // e.g. the certificate replaced before its key: wait for the next change
                LOG.warn("TLS files changed but are not served ({}); the previous certificate still is", problem.get());
                return;
            }
            ServerSSLOptions options = sslOptions(tls);
            for (HttpServer server : servers) {
                server.updateSSLOptions(options, true)
                        .onFailure(e -> LOG.warn("TLS files changed but do not load ({}); the previous certificate"
                                + " is still served", e.toString()));
            }
            LOG.info("TLS files changed: new connections get the certificate in {}", tls.certFile());
        }));
    }

    /** The files' modification times and sizes, as one comparable string. */
    private static String stamp(List<Path> files) {
        StringBuilder s = new StringBuilder();
        for (Path f : files) {
            try {
                s.append(Files.getLastModifiedTime(f).toMillis()).append('/').append(Files.size(f)).append(' ');
            } catch (IOException e) {
                s.append("missing ");
            }
        }
        return s.toString();
    }
}
