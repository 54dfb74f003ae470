package dev.keycard.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.ECKey;
import dev.keycard.resource.servlet.BearerTokenFilter;
import dev.keycard.resource.testing.SelfSigned;
import dev.keycard.resource.testing.TestIssuer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Servlet filter in a Jetty speaking TLS that asks for client certificates: a certificate-bound
 * token (RFC 8705 §3) passes with the certificate it is bound to (the container's
 * {@code jakarta.servlet.request.X509Certificate}) and is refused with another one or none.
 */
class ServletMutualTlsTest {

    private static final ECKey KEY = TestIssuer.ecKey("ec-tls");
    private static final char[] PASSWORD = "changeit".toCharArray();

    private TestIssuer issuer;
    private AccessTokenVerifier verifier;
    private Server jetty;

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
        verifier.close();
        issuer.close();
    }

    @Test
    void certificateBoundTokenWhenItsCertificateThenPassesElseRefused() throws Exception {
        SelfSigned.Pair server = SelfSigned.pair("CN=127.0.0.1");
        SelfSigned.Pair worker = SelfSigned.pair("CN=worker");
        SelfSigned.Pair other = SelfSigned.pair("CN=other");
        issuer = TestIssuer.start().publish(KEY);
        verifier = AccessTokenVerifier.builder().issuer(issuer.issuer()).audiences(TestIssuer.AUDIENCE).build();
        URI base = start(server, worker, other);
        String token = issuer.token(KEY, Instant.now(), h -> { }, c -> c.claim("scope", "jobs:read")
                .claim("cnf", Map.of("x5t#S256", BearerAuthentication.certificateThumbprint(worker.certificate()))));

        assertEquals(200, get(base, token, context(server, worker)).statusCode(), "the certificate it is bound to");
        assertEquals(401, get(base, token, context(server, other)).statusCode(), "another certificate");
        assertEquals(401, get(base, token, context(server, null)).statusCode(), "no certificate");
    }

    /** Jetty over TLS, asking for client certificates issued by (here: being) {@code clients}. */
    private URI start(SelfSigned.Pair server, SelfSigned.Pair... clients) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", server.keys().getPrivate(), PASSWORD, new Certificate[] {server.certificate()});
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keys);
        tls.setKeyStorePassword(new String(PASSWORD));
        tls.setWantClientAuth(true);
        // The authorities whose certificates the server asks for; a client holding none of theirs
        // sends no certificate (the JDK's client picks by the certificate_authorities it is sent).
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (int i = 0; i < clients.length; i++) {
            trusted.setCertificateEntry("client-" + i, clients[i].certificate());
        }
        tls.setTrustStore(trusted);
        tls.setEndpointIdentificationAlgorithm(null);
        jetty = new Server();
        // The customizer is what makes the container expose the TLS session (and the client
        // certificate attribute) to servlets and filters.
        org.eclipse.jetty.server.HttpConfiguration https = new org.eclipse.jetty.server.HttpConfiguration();
        org.eclipse.jetty.server.SecureRequestCustomizer secure = new org.eclipse.jetty.server.SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        ServerConnector connector = new ServerConnector(jetty, new org.eclipse.jetty.server.SslConnectionFactory(tls, "http/1.1"),
                new org.eclipse.jetty.server.HttpConnectionFactory(https));
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(BearerTokenFilter.create(verifier).requireScopes("jobs:read")), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.getWriter().write("ok");
            }
        }), "/*");
        jetty.setHandler(context);
        jetty.start();
        return URI.create("https://127.0.0.1:" + connector.getLocalPort());
    }

    private static SSLContext context(SelfSigned.Pair server, SelfSigned.Pair client) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", server.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (client != null) {
            KeyStore own = KeyStore.getInstance("PKCS12");
            own.load(null, null);
            own.setKeyEntry("client", client.keys().getPrivate(), PASSWORD, new Certificate[] {client.certificate()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(own, PASSWORD);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static HttpResponse<String> get(URI base, String token, SSLContext tls) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(tls).build()) {
            return client.send(HttpRequest.newBuilder(base.resolve("/jobs")).header("Authorization", "Bearer " + token)
                    .build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
