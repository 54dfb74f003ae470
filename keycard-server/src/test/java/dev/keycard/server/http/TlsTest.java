package dev.keycard.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.config.ConfigException;
import dev.keycard.server.testing.Eventually;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestCertificates;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the main port: tokens over https with an https issuer; a certificate replaced on disk is
 * what the next connection gets, without a restart; nothing older than TLS 1.2 is spoken; bad
 * files fail the start naming the setting.
 */
class TlsTest {

    static final String JOBS = "https://jobs.internal";

    @TempDir
    Path dir;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    TestCertificates.Issued startWithTls() throws IOException {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        TestCertificates.Issued cert = TestCertificates.selfSigned("keycard", tls);
        server = TestServer.start(dir.resolve("data"), Map.of("tls.cert-file", cert.certFile().toString(),
                "tls.key-file", cert.keyFile().toString()));
        return cert;
    }

    @Test
    void tokenWhenTlsIsOnThenItIsServedOverHttpsUnderAnHttpsIssuer() throws Exception {
        TestCertificates.Issued cert = startWithTls();
        assertTrue(server.issuer().startsWith("https://127.0.0.1:"), server.issuer());
        Http https = new Http(server.baseUri(), cert.trustingIt());
        assertEquals(server.issuer(), new JsonObject(https.get("/.well-known/oauth-authorization-server").body())
                .getString("issuer"));
        String token = https.accessToken(server.adminClientId(), server.adminClientSecret(),
                "grant_type", "client_credentials");
        assertEquals(server.issuer(), SignedJWT.parse(token).getJWTClaimsSet().getIssuer());
    }

    @Test
    void cliWhenGivenTheCertificateAsCacertThenItTalksHttpsAndWithoutItSaysWhy() throws Exception {
        TestCertificates.Issued cert = startWithTls();
        String[] keysList = {"keys", "list", "--url", server.baseUri().toString(), "--client-id",
                server.adminClientId(), "--client-secret", server.adminClientSecret()};
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        String[] trusting = java.util.stream.Stream.concat(java.util.Arrays.stream(keysList),
                java.util.stream.Stream.of("--cacert", cert.certFile().toString())).toArray(String[]::new);
        assertEquals(0, dev.keycard.server.cli.KeycardCommand.run(new java.io.PrintStream(out, true),
                new java.io.PrintStream(err, true), trusting), err.toString());
        assertTrue(out.toString().contains("current"), out.toString());
        err.reset();
        assertEquals(1, dev.keycard.server.cli.KeycardCommand.run(new java.io.PrintStream(out, true),
                new java.io.PrintStream(err, true), keysList), "an untrusted certificate is no answer");
        assertTrue(err.toString().contains(server.baseUri().toString()) && err.toString().contains("--cacert"),
                err.toString());
    }

    @Test
    void connectWhenTheCertificateFileIsReplacedThenTheNextConnectionGetsTheNewOneWithoutARestart() throws Exception {
        TestCertificates.Issued first = startWithTls();
        assertEquals(first.certificate().getSerialNumber(), served(List.of("TLSv1.3")).getSerialNumber());
        Thread.sleep(1_100); // a new modification time, also on file systems that keep whole seconds
        TestCertificates.Issued second = TestCertificates.selfSigned("keycard", dir.resolve("tls"));
        BigInteger wanted = second.certificate().getSerialNumber();
        assertTrue(Eventually.within(Duration.ofSeconds(15), () -> {
            try {
                return wanted.equals(served(List.of("TLSv1.3")).getSerialNumber());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }), "the replaced certificate is not served");
        // The server still answers, with the new certificate trusted.
        assertEquals(200, new Http(server.baseUri(), second.trustingIt()).get("/oauth2/jwks").statusCode());
    }

    @Test
    void connectWhenClientCertificatesAreWantedThenAClientWithOneOfTheCaAndAClientWithoutOneBothConnect()
            throws Exception {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        TestCertificates.Issued cert = TestCertificates.selfSigned("keycard", tls);
        TestCertificates.Issued client = TestCertificates.selfSigned("batch-worker", tls); // its own CA
        server = TestServer.start(dir.resolve("data"), Map.of("tls.cert-file", cert.certFile().toString(),
                "tls.key-file", cert.keyFile().toString(), "tls.client-auth", "want",
                "tls.client-ca-file", client.certFile().toString()));
        assertEquals(200, new Http(server.baseUri(), cert.trusting(client)).get("/oauth2/jwks").statusCode());
        assertEquals(200, new Http(server.baseUri(), cert.trustingIt()).get("/oauth2/jwks").statusCode(),
                "want, not need: a client without a certificate still connects");
    }

    @Test
    void connectWhenTheClientOffersOnlyTls11ThenTheHandshakeFailsAndTls12Works() throws Exception {
        startWithTls();
        assertEquals("TLSv1.2", handshake("TLSv1.2"));
        assertEquals("TLSv1.3", handshake("TLSv1.3"));
        String old = handshake("TLSv1.1");
        assertTrue(old.startsWith("failed"), "TLS 1.1 was spoken: " + old);
    }

    @Test
    void startWhenTheTlsFilesAreWrongThenItFailsNamingTheSetting() throws Exception {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        TestCertificates.Issued cert = TestCertificates.selfSigned("keycard", tls);
        assertTrue(refusal("a", Map.of("tls.cert-file", cert.certFile().toString()))
                .contains("tls.key-file is required"));
        assertTrue(refusal("b", Map.of("tls.cert-file", cert.keyFile().toString(),
                "tls.key-file", cert.keyFile().toString())).contains("tls.cert-file"));
        assertTrue(refusal("c", Map.of("tls.cert-file", cert.certFile().toString(),
                "tls.key-file", cert.keyFile().toString(), "tls.client-auth", "want"))
                .contains("tls.client-ca-file is required"));
        assertTrue(refusal("d", Map.of("tls.client-auth", "always")).contains("must be none or want"));
        assertTrue(refusal("f", Map.of("tls.client-crl-file", cert.certFile().toString()))
                .matches("(?s).*tls.client-crl-file.*: needs tls.client-ca-file.*"));
        assertTrue(refusal("g", Map.of("tls.cert-file", cert.certFile().toString(), "tls.key-file", cert.keyFile().toString(),
                "tls.client-auth", "want", "tls.client-ca-file", cert.certFile().toString(),
                "tls.client-crl-file", cert.certFile().toString())).contains("is not PEM certificate revocation lists"));
        // A key that is not the certificate's: refused when the port is bound.
        TestCertificates.Issued other = TestCertificates.selfSigned("other", tls);
        assertTrue(refusal("e", Map.of("tls.cert-file", cert.certFile().toString(),
                "tls.key-file", other.keyFile().toString())).contains("tls.cert-file / tls.key-file"));
    }

    /** Why a start with {@code settings} fails: a configuration error's message. */
    String refusal(String data, Map<String, String> settings) {
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> TestServer.start(dir.resolve(data), settings));
        Throwable cause = failed.getCause();
        assertTrue(cause instanceof ConfigException, String.valueOf(cause));
        return cause.getMessage();
    }

    /** The certificate a new connection is given, whatever it is (this check trusts anything). */
    X509Certificate served(List<String> protocols) throws Exception {
        SSLContext any = SSLContext.getInstance("TLS");
        X509Certificate[] seen = new X509Certificate[1];
        any.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain[0];
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) any.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                server.baseUri().getPort())) {
            socket.setEnabledProtocols(protocols.toArray(String[]::new));
            socket.setSoTimeout(5_000);
            socket.startHandshake();
        }
        return seen[0];
    }

    /**
     * A handshake offering only {@code protocol}, made by another JVM whose security settings
     * allow the old protocols (this JVM's client refuses TLS 1.1 itself, which would prove nothing
     * about the server): the protocol agreed, or {@code failed: …}.
     */
    String handshake(String protocol) throws Exception {
        Path program = dir.resolve("Handshake.java");
        Files.writeString(program, """
                import javax.net.ssl.*;
                import java.security.cert.X509Certificate;
                public class Handshake {
                    public static void main(String[] a) throws Exception {
                        SSLContext c = SSLContext.getInstance("TLS");
                        c.init(null, new TrustManager[] {new X509TrustManager() {
                            public void checkClientTrusted(X509Certificate[] x, String t) {}
                            public void checkServerTrusted(X509Certificate[] x, String t) {}
                            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
                        }}, null);
                        try (SSLSocket s = (SSLSocket) c.getSocketFactory().createSocket("127.0.0.1", Integer.parseInt(a[0]))) {
                            s.setEnabledProtocols(new String[] {a[1]});
                            s.setSoTimeout(5000);
                            s.startHandshake();
                            System.out.print(s.getSession().getProtocol());
                        } catch (Exception e) {
                            System.out.print("failed: " + e.getMessage());
                        }
                    }
                }
                """);
        Path security = dir.resolve("old-protocols.security");
        Files.writeString(security, "jdk.tls.disabledAlgorithms=\n");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.security.properties=" + security, program.toString(),
                String.valueOf(server.baseUri().getPort()), protocol).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the handshake program did not finish");
        return new String(p.getInputStream().readAllBytes()).strip();
    }
}
