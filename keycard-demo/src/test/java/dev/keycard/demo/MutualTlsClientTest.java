package dev.keycard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.keycard.client.AccessToken;
import dev.keycard.client.BearerHttpClient;
import dev.keycard.client.ClientCredentialsTokenSource;
import dev.keycard.resource.AccessTokenVerifier;
import dev.keycard.resource.BearerAuthentication;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestCertificates;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS end to end (RFC 8705): keycard-client with {@code tlsClientAuth()} and
 * {@code sslContext(…)} (the JDK's TLS stack presenting a client certificate) gets a token from an
 * mTLS Keycard, bound to the certificate; jobs-api (keycard-resource over TLS) accepts it with that
 * certificate and refuses it with another certificate or with none.
 */
class MutualTlsClientTest {

    @TempDir
    Path dir;
    TestServer keycard;
    AccessTokenVerifier verifier;
    JobsApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        if (verifier != null) {
            verifier.close();
        }
        if (keycard != null) {
            keycard.close();
        }
    }

    @Test
    void certificateBoundTokenWhenTheSameCertificateThenAcceptedElseRefused() throws Exception {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        TestCertificates.Issued server = TestCertificates.selfSigned("keycard", tls); // Keycard's and the API's
        TestCertificates.Issued ca = TestCertificates.selfSigned("client-ca", tls);
        Instant now = Instant.now();
        TestCertificates.Issued worker = TestCertificates.issuedBy(ca, "worker", "CN=batch-worker", List.of(
                new GeneralName(GeneralName.dNSName, "worker.acme.internal")), now.minusSeconds(60),
                now.plus(Duration.ofDays(1)), tls);
        TestCertificates.Issued other = TestCertificates.issuedBy(ca, "other", "CN=other", List.of(
                new GeneralName(GeneralName.dNSName, "other.acme.internal")), now.minusSeconds(60),
                now.plus(Duration.ofDays(1)), tls);
        keycard = TestServer.start(dir.resolve("data"), Map.of("tls.cert-file", server.certFile().toString(),
                "tls.key-file", server.keyFile().toString(), "tls.client-auth", "want",
                "tls.client-ca-file", ca.certFile().toString()));
        Http admin = new Http(keycard.baseUri(), server.trustingIt());
        admin.createApi(JobsApi.IDENTIFIER, "ES256", "jobs:read");
        HttpResponse<String> created = admin.admin("POST", "/admin/v1/clients", new JsonObject()
                .put("client_id", "cert-worker").put("name", "Cert worker")
                .put("tls_client_auth_san_dns", "worker.acme.internal").put("tls_client_certificate_bound_access_tokens", true)
                .put("grants", List.of(new JsonObject().put("api", JobsApi.IDENTIFIER).put("scopes", List.of("jobs:read")))));
        assertEquals(201, created.statusCode(), created.body());

        verifier = AccessTokenVerifier.builder().issuer(keycard.issuer()).audiences(JobsApi.IDENTIFIER)
                .httpClient(HttpClient.newBuilder().sslContext(server.trustingIt()).build()).build();
        api = new JobsApi(verifier, server.certFile(), server.keyFile());
        api.add("nightly report");

        SSLContext workerTls = server.trusting(worker);
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder().issuer(URI.create(keycard.issuer()))
                .clientId("cert-worker").tlsClientAuth().sslContext(workerTls).resource(JobsApi.IDENTIFIER).build();
        URI jobs = api.baseUri().resolve("/jobs");
        try (BearerHttpClient client = new BearerHttpClient(tokens)) { // the same certificate to Keycard and the API
            HttpResponse<String> list = client.send(HttpRequest.newBuilder(jobs).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, list.statusCode(), list.body());
        }
        AccessToken token = tokens.token();
        String x5t = BearerAuthentication.certificateThumbprint(worker.certificate());
        assertEquals(Map.of("x5t#S256", x5t), SignedJWT.parse(token.value()).getJWTClaimsSet().getJSONObjectClaim("cnf"));

        for (SSLContext elsewhere : List.of(server.trusting(other), server.trustingIt())) { // another certificate, none
            HttpResponse<String> r = HttpClient.newBuilder().sslContext(elsewhere).build().send(HttpRequest.newBuilder(jobs)
                    .header("Authorization", "Bearer " + token.value()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"), r.headers().toString());
        }
    }
}
