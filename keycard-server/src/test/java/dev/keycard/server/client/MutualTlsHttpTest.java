package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestCertificates;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual-TLS client authentication (RFC 8705 §2) and certificate-bound tokens (§3) over real TLS:
 * each tls_client_auth attribute authenticates its client and no other; a certificate of another
 * authority, an expired one, or none is invalid_client; self_signed_tls_client_auth with a
 * registered and an unregistered certificate; a bound token's cnf.x5t#S256; the RFC 9440
 * Client-Cert header honoured from a trusted proxy address and ignored from any other.
 */
class MutualTlsHttpTest {

    static final String JOBS = "https://jobs.internal";

    @TempDir
    Path dir;
    TestServer server;
    TestCertificates.Issued serverCert;
    TestCertificates.Issued ca;
    Path tls;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    void start(Map<String, String> more) throws Exception {
        tls = Files.createDirectories(dir.resolve("tls"));
        serverCert = TestCertificates.selfSigned("keycard", tls);
        if (ca == null) { // a test may make its authority first, to sign a revocation list with it
            ca = TestCertificates.selfSigned("client-ca", tls);
        }
        Map<String, String> settings = new LinkedHashMap<>(Map.of("tls.cert-file", serverCert.certFile().toString(),
                "tls.key-file", serverCert.keyFile().toString(), "tls.client-auth", "want",
                "tls.client-ca-file", ca.certFile().toString(),
                "rate-limit.failed-auth", "0")); // the table fails on purpose, more often than the back-off allows
        settings.putAll(more);
        server = TestServer.start(dir.resolve("data"), settings);
        admin().createApi(JOBS, "ES256", "jobs:read");
    }

    Http admin() {
        return new Http(server.baseUri(), serverCert.trustingIt());
    }

    TestCertificates.Issued client(String name, String subject, GeneralName... sans) {
        Instant now = Instant.now();
        return TestCertificates.issuedBy(ca, name, subject, List.of(sans), now.minusSeconds(60), now.plus(Duration.ofDays(1)),
                tls);
    }

    void register(String id, JsonObject fields) {
        HttpResponse<String> r = admin().admin("POST", "/admin/v1/clients", fields.copy().put("client_id", id).put("name", id)
                .put("grants", List.of(new JsonObject().put("api", JOBS).put("scopes", List.of("jobs:read")))));
        assertEquals(201, r.statusCode(), r.body());
    }

    static HttpResponse<String> token(Http http, String clientId) {
        return http.send(http.request("/oauth2/token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("grant_type", "client_credentials", "client_id", clientId))));
    }

    HttpResponse<String> tokenWith(TestCertificates.Issued cert, String clientId) {
        return token(new Http(server.baseUri(), cert == null ? serverCert.trustingIt() : serverCert.trusting(cert)), clientId);
    }

    @Test
    void tlsClientAuthWhenEachAttributeThenItsClientAndNoOther() throws Exception {
        start(Map.of());
        Map<String, TestCertificates.Issued> certs = new LinkedHashMap<>();
        register("dn-client", new JsonObject().put("tls_client_auth_subject_dn", "CN=dn-worker,O=Acme"));
        certs.put("dn-client", client("dn", "CN=dn-worker,O=Acme"));
        register("dns-client", new JsonObject().put("tls_client_auth_san_dns", "worker.acme.internal"));
        certs.put("dns-client", client("dns", "CN=dns", new GeneralName(GeneralName.dNSName, "WORKER.acme.internal")));
        register("uri-client", new JsonObject().put("tls_client_auth_san_uri", "spiffe://prod.acme/ns/jobs/sa/worker"));
        certs.put("uri-client", client("uri", "CN=uri", new GeneralName(GeneralName.uniformResourceIdentifier,
                "spiffe://prod.acme/ns/jobs/sa/worker")));
        register("ip-client", new JsonObject().put("tls_client_auth_san_ip", "10.1.2.3"));
        certs.put("ip-client", client("ip", "CN=ip", new GeneralName(GeneralName.iPAddress, "10.1.2.3")));
        register("email-client", new JsonObject().put("tls_client_auth_san_email", "worker@acme.example"));
        certs.put("email-client", client("email", "CN=email", new GeneralName(GeneralName.rfc822Name, "worker@acme.example")));

        for (Map.Entry<String, TestCertificates.Issued> cert : certs.entrySet()) {
            for (String clientId : certs.keySet()) {
                HttpResponse<String> r = tokenWith(cert.getValue(), clientId);
                if (clientId.equals(cert.getKey())) {
                    assertEquals(200, r.statusCode(), clientId + ": " + r.body());
                    assertEquals(clientId, SignedJWT.parse(new JsonObject(r.body()).getString("access_token"))
                            .getJWTClaimsSet().getSubject());
                } else {
                    assertEquals(401, r.statusCode(), cert.getKey() + "'s certificate as " + clientId + ": " + r.body());
                    assertEquals("invalid_client", new JsonObject(r.body()).getString("error"));
                }
            }
        }
        JsonObject shown = new JsonObject(admin().admin("GET", "/admin/v1/clients/uri-client", null).body());
        assertEquals("spiffe://prod.acme/ns/jobs/sa/worker", shown.getString("tls_client_auth_san_uri"));
        assertEquals(List.of("tls_client_auth"), shown.getJsonArray("auth_methods").getList());

        // Another authority's certificate with the right subject, an expired one, and none at all.
        TestCertificates.Issued otherCa = TestCertificates.selfSigned("other-ca", tls);
        Instant now = Instant.now();
        TestCertificates.Issued foreign = TestCertificates.issuedBy(otherCa, "foreign", "CN=dn-worker,O=Acme", List.of(),
                now.minusSeconds(60), now.plus(Duration.ofDays(1)), tls);
        TestCertificates.Issued expired = TestCertificates.issuedBy(ca, "expired", "CN=dn-worker,O=Acme", List.of(),
                now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)), tls);
        // A server certificate of the same authority, with the subject: its key usage is not a client's.
        TestCertificates.Issued serverOnly = TestCertificates.issuedFor(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth,
                ca, "server-only", "CN=dn-worker,O=Acme", List.of(), tls);
        TestCertificates.Issued clientUsage = TestCertificates.issuedFor(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth,
                ca, "client-usage", "CN=dn-worker,O=Acme", List.of(), tls);
        assertEquals(200, tokenWith(clientUsage, "dn-client").statusCode());
        for (TestCertificates.Issued bad : new TestCertificates.Issued[] {foreign, expired, serverOnly, null}) {
            HttpResponse<String> r = tokenWith(bad, "dn-client");
            assertEquals(401, r.statusCode(), r.body());
            assertEquals("invalid_client", new JsonObject(r.body()).getString("error"));
        }
        JsonObject metadata = new JsonObject(admin().get("/.well-known/oauth-authorization-server").body());
        assertTrue(metadata.getJsonArray("token_endpoint_auth_methods_supported").contains("tls_client_auth"));
        assertTrue(metadata.getJsonArray("token_endpoint_auth_methods_supported").contains("self_signed_tls_client_auth"));
        assertEquals(true, metadata.getBoolean("tls_client_certificate_bound_access_tokens"));
        assertEquals(server.issuer() + "/oauth2/token", metadata.getJsonObject("mtls_endpoint_aliases").getString("token_endpoint"));
    }

    @Test
    void selfSignedWhenRegisteredThenAuthenticatesAndBoundTokenCarriesItsThumbprint() throws Exception {
        start(Map.of());
        TestCertificates.Issued own = TestCertificates.selfSigned("self-worker", tls);
        TestCertificates.Issued unregistered = TestCertificates.selfSigned("stranger", tls);
        ECKey jwk = new ECKey.Builder(Curve.P_256, (ECPublicKey) own.keys().getPublic())
                .x509CertChain(List.of(Base64.encode(own.certificate().getEncoded()))).build();
        register("self-client", new JsonObject().put("auth_methods", List.of("self_signed_tls_client_auth"))
                .put("jwks", new JsonObject(new JWKSet(jwk).toString())).put("tls_client_certificate_bound_access_tokens", true));

        HttpResponse<String> r = tokenWith(own, "self-client");
        assertEquals(200, r.statusCode(), r.body());
        String token = new JsonObject(r.body()).getString("access_token");
        String x5t = ClientCertificates.thumbprint(own.certificate());
        assertEquals(Map.of("x5t#S256", x5t), SignedJWT.parse(token).getJWTClaimsSet().getJSONObjectClaim("cnf"));
        assertEquals("Bearer", new JsonObject(r.body()).getString("token_type"));
        HttpResponse<String> introspected = new Http(server.baseUri(), serverCert.trusting(own)).send(
                new Http(server.baseUri(), serverCert.trusting(own)).request("/oauth2/introspect")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(Http.form("token", token, "client_id", "self-client"))));
        assertEquals(x5t, new JsonObject(introspected.body()).getJsonObject("cnf").getString("x5t#S256"), introspected.body());

        HttpResponse<String> stranger = tokenWith(unregistered, "self-client");
        assertEquals(401, stranger.statusCode(), stranger.body());

        // Registered for both methods (moving from one to the other): either certificate authenticates it.
        register("both-client", new JsonObject().put("auth_methods", List.of("tls_client_auth", "self_signed_tls_client_auth"))
                .put("tls_client_auth_san_dns", "both.acme.internal").put("jwks", new JsonObject(new JWKSet(jwk).toString())));
        assertEquals(200, tokenWith(own, "both-client").statusCode(), "its self-signed certificate");
        assertEquals(200, tokenWith(client("both", "CN=both", new GeneralName(GeneralName.dNSName, "both.acme.internal")),
                "both-client").statusCode(), "a certificate of the authority with its attribute");
        assertEquals(401, tokenWith(unregistered, "both-client").statusCode(), "neither");
    }

    @Test
    void certificateBoundWhenTheClientUsesASecretThenBoundToTheConnectionsCertificateAndRefusedWithoutOne()
            throws Exception {
        start(Map.of());
        HttpResponse<String> created = admin().admin("POST", "/admin/v1/clients", new JsonObject().put("client_id", "secret-bound")
                .put("name", "secret-bound").put("tls_client_certificate_bound_access_tokens", true)
                .put("grants", List.of(new JsonObject().put("api", JOBS).put("scopes", List.of("jobs:read")))));
        String secret = new JsonObject(created.body()).getString("client_secret");
        TestCertificates.Issued own = TestCertificates.selfSigned("secret-worker", tls);
        for (TestCertificates.Issued cert : new TestCertificates.Issued[] {own, null}) {
            Http http = new Http(server.baseUri(), cert == null ? serverCert.trustingIt() : serverCert.trusting(cert));
            HttpResponse<String> r = http.send(http.request("/oauth2/token")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", Http.basic("secret-bound", secret))
                    .POST(HttpRequest.BodyPublishers.ofString(Http.form("grant_type", "client_credentials"))));
            if (cert == null) {
                assertEquals(400, r.statusCode(), r.body());
                assertTrue(r.body().contains("bound to its TLS client certificate"), r.body());
            } else {
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(Map.of("x5t#S256", ClientCertificates.thumbprint(own.certificate())), SignedJWT.parse(
                        new JsonObject(r.body()).getString("access_token")).getJWTClaimsSet().getJSONObjectClaim("cnf"));
            }
        }
    }

    @Test
    void clientCertHeaderWhenFromATrustedProxyThenUsedAndFromAnyoneElseIgnored() throws Exception {
        // Behind a TLS-terminating proxy on this host: Keycard speaks plain http to it.
        Path certs = Files.createDirectories(dir.resolve("proxy-tls"));
        ca = TestCertificates.selfSigned("client-ca", certs);
        tls = certs;
        server = TestServer.start(dir.resolve("proxied"), Map.of("tls.trusted-proxies", "127.0.0.1",
                "tls.client-ca-file", ca.certFile().toString()));
        Http http = dnsClientOver(server);
        TestCertificates.Issued cert = client("dns", "CN=dns", new GeneralName(GeneralName.dNSName, "worker.acme.internal"));
        String header = ":" + java.util.Base64.getEncoder().encodeToString(cert.certificate().getEncoded()) + ":";
        HttpResponse<String> proxied = http.send(http.request("/oauth2/token")
                .header("Content-Type", "application/x-www-form-urlencoded").header("Client-Cert", header)
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("grant_type", "client_credentials", "client_id", "dns-client"))));
        assertEquals(200, proxied.statusCode(), proxied.body());
        server.close();

        // The same header from an address that is no trusted proxy: ignored, so no credentials.
        server = TestServer.start(dir.resolve("direct"), Map.of("tls.trusted-proxies", "10.9.9.9",
                "tls.client-ca-file", ca.certFile().toString()));
        Http direct = dnsClientOver(server);
        HttpResponse<String> forged = direct.send(direct.request("/oauth2/token")
                .header("Content-Type", "application/x-www-form-urlencoded").header("Client-Cert", header)
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("grant_type", "client_credentials", "client_id", "dns-client"))));
        assertEquals(401, forged.statusCode(), forged.body());
    }

    /** Plain http to {@code server}, with the jobs API and dns-client (tls_client_auth by its DNS SAN). */
    static Http dnsClientOver(TestServer server) {
        Http http = new Http(server.baseUri());
        http.createApi(JOBS, "ES256", "jobs:read");
        assertEquals(201, http.admin("POST", "/admin/v1/clients", new JsonObject().put("client_id", "dns-client")
                .put("name", "dns-client").put("tls_client_auth_san_dns", "worker.acme.internal")
                .put("grants", List.of(new JsonObject().put("api", JOBS).put("scopes", List.of("jobs:read"))))).statusCode());
        return http;
    }

    @Test
    void authorityFileWhenReplacedThenItsCertificatesCountWithoutARestart() throws Exception {
        start(Map.of());
        register("dn-client", new JsonObject().put("tls_client_auth_subject_dn", "CN=dn-worker,O=Acme"));
        TestCertificates.Issued newCa = TestCertificates.selfSigned("new-ca", tls);
        Instant now = Instant.now();
        TestCertificates.Issued fromNewCa = TestCertificates.issuedBy(newCa, "from-new", "CN=dn-worker,O=Acme", List.of(),
                now.minusSeconds(60), now.plus(Duration.ofDays(1)), tls);
        assertEquals(401, tokenWith(fromNewCa, "dn-client").statusCode(), "not yet an authority");
        TestCertificates.write(ca.certFile(), "CERTIFICATE", newCa.certificate().getEncoded()); // rotated on disk
        assertTrue(dev.keycard.server.testing.Eventually.within(Duration.ofSeconds(10),
                () -> tokenWith(fromNewCa, "dn-client").statusCode() == 200), "the new authority's certificate counts");
        assertEquals(401, tokenWith(client("old", "CN=dn-worker,O=Acme"), "dn-client").statusCode(),
                "the old authority no longer does");
    }

    @Test
    void revocationEventsWhenTheApiAuthenticatesWithItsCertificateThenStreamedAndARevokedTokenRefused() throws Exception {
        start(Map.of());
        HttpResponse<String> made = admin().admin("POST", "/admin/v1/clients", new JsonObject().put("client_id", "jobs-api")
                .put("name", "jobs-api").put("tls_client_auth_subject_dn", "CN=jobs-api,O=Acme")
                .put("grants", List.of(new JsonObject().put("api", "urn:keycard:admin")
                        .put("scopes", List.of("keycard:introspect")))));
        assertEquals(201, made.statusCode(), made.body());
        TestCertificates.Issued apiCert = client("jobs-api", "CN=jobs-api,O=Acme");
        Http api = new Http(server.baseUri(), serverCert.trusting(apiCert));

        HttpResponse<String> secretInUrl = api.get("/oauth2/revocation-events?client_id=jobs-api&client_secret=x");
        assertEquals(400, secretInUrl.statusCode(), "credentials never travel in a URL");
        assertEquals("invalid_request", new JsonObject(secretInUrl.body()).getString("error"));
        assertEquals(400, api.get("/oauth2/revocation-events?client_id=jobs-api&client_id=jobs-api").statusCode(),
                "one client_id");
        assertEquals(401, admin().get("/oauth2/revocation-events?client_id=jobs-api").statusCode(), "no certificate");
        assertEquals(401, new Http(server.baseUri(), serverCert.trusting(client("other", "CN=other,O=Acme")))
                .get("/oauth2/revocation-events?client_id=jobs-api").statusCode(), "another certificate");

        String secret = admin().createClient("batch", JOBS, "jobs:read").getString("client_secret");
        String token = admin().accessToken("batch", secret, "grant_type", "client_credentials");
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(serverCert.trusting(apiCert)).build();
        try (dev.keycard.resource.AccessTokenVerifier verifier = dev.keycard.resource.AccessTokenVerifier.builder()
                .issuer(server.issuer()).audiences(JOBS).httpClient(http).revocationEvents("jobs-api").build()) {
            assertEquals("batch", verifier.verify(token).clientId());
            assertEquals(200, admin().admin("POST", "/admin/v1/clients/batch/revoke-tokens", null).statusCode());
            assertTrue(dev.keycard.server.testing.Eventually.within(Duration.ofSeconds(10), () -> {
                try {
                    verifier.verify(token);
                    return false;
                } catch (dev.keycard.resource.TokenVerificationException e) {
                    return true;
                }
            }), "the revocation reached the API over its certificate-authenticated stream");
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> dev.keycard.resource.AccessTokenVerifier.builder().issuer(server.issuer()).audiences(JOBS)
                        .revocationEvents("jobs-api").build(), "a certificate needs an HttpClient that holds it");
    }

    @Test
    void revocationListWhenItListsACertificateThenRefusedAndWhenReplacedOrExpiredTheNewListCounts() throws Exception {
        tls = Files.createDirectories(dir.resolve("tls"));
        ca = TestCertificates.selfSigned("client-ca", tls);
        TestCertificates.Issued kept = client("kept", "CN=kept,O=Acme");
        TestCertificates.Issued leaked = client("leaked", "CN=leaked,O=Acme");
        Path crl = tls.resolve("client-ca.crl");
        Instant now = Instant.now();
        TestCertificates.crl(ca, List.of(leaked), now.minusSeconds(60), now.plus(Duration.ofDays(1)), crl);
        start(Map.of("tls.client-crl-file", crl.toString()));
        register("kept", new JsonObject().put("tls_client_auth_subject_dn", "CN=kept,O=Acme"));
        register("leaked", new JsonObject().put("tls_client_auth_subject_dn", "CN=leaked,O=Acme"));

        assertEquals(200, tokenWith(kept, "kept").statusCode(), "a certificate the list does not name");
        HttpResponse<String> refused = tokenWith(leaked, "leaked");
        assertEquals(401, refused.statusCode(), "a certificate the list names: " + refused.body());
        assertEquals("invalid_client", new JsonObject(refused.body()).getString("error"));

        TestCertificates.crl(ca, List.of(leaked, kept), now.minusSeconds(30), now.plus(Duration.ofDays(1)), crl);
        assertTrue(dev.keycard.server.testing.Eventually.within(Duration.ofSeconds(5),
                () -> tokenWith(kept, "kept").statusCode() == 401), "a list replaced on disk counts without a restart");

        TestCertificates.crl(ca, List.of(), now.minusSeconds(10), now.plus(Duration.ofDays(1)), crl);
        assertTrue(dev.keycard.server.testing.Eventually.within(Duration.ofSeconds(5),
                () -> tokenWith(leaked, "leaked").statusCode() == 200), "a current list without it: accepted again");

        TestCertificates.Issued impostor = TestCertificates.selfSigned("client-ca",
                Files.createDirectories(dir.resolve("impostor"))); // the authority's name, another key
        TestCertificates.crl(impostor, List.of(), now.minusSeconds(5), now.plus(Duration.ofDays(1)), crl);
        assertTrue(dev.keycard.server.testing.Eventually.within(Duration.ofSeconds(5),
                () -> tokenWith(kept, "kept").statusCode() == 401), "a list the authority did not sign counts for nothing");
        TestCertificates.crl(ca, List.of(), now.minusSeconds(4), now.plus(Duration.ofDays(1)), crl);
        assertTrue(dev.keycard.server.testing.Eventually.within(Duration.ofSeconds(5),
                () -> tokenWith(kept, "kept").statusCode() == 200));

        TestCertificates.crl(ca, List.of(), now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)), crl);
        assertTrue(dev.keycard.server.testing.Eventually.within(Duration.ofSeconds(5),
                () -> tokenWith(kept, "kept").statusCode() == 401), "an expired list refuses its authority's certificates");
    }

    @Test
    void registrationWhenNoCertificateCanReachTheServerThenRefusedSayingWhatToSet() throws Exception {
        server = TestServer.start(dir.resolve("plain"));
        Http http = new Http(server.baseUri());
        http.createApi(JOBS, "ES256", "jobs:read");
        HttpResponse<String> refused = http.admin("POST", "/admin/v1/clients", new JsonObject().put("client_id", "mtls")
                .put("name", "mtls").put("tls_client_auth_san_dns", "worker.acme.internal")
                .put("grants", List.of(new JsonObject().put("api", JOBS).put("scopes", List.of("jobs:read")))));
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("no client certificate reaches this server")
                && refused.body().contains("tls.client-auth=want"), refused.body());
        assertEquals(404, http.admin("GET", "/admin/v1/clients/mtls", null).statusCode());
        http.createClient("worker", JOBS, "jobs:read");
        HttpResponse<String> toCertificate = http.admin("PATCH", "/admin/v1/clients/worker", new JsonObject()
                .put("tls_client_auth_san_dns", "worker.acme.internal").put("auth_methods", List.of("tls_client_auth")));
        assertEquals(400, toCertificate.statusCode(), "nor can a client be changed to one: " + toCertificate.body());
        HttpResponse<String> bound = http.admin("PATCH", "/admin/v1/clients/worker", new JsonObject()
                .put("tls_client_certificate_bound_access_tokens", true));
        assertEquals(400, bound.statusCode(), "nor get tokens bound to a certificate it cannot present: " + bound.body());
        server.close();

        server = TestServer.start(dir.resolve("proxied"), Map.of("tls.trusted-proxies", "127.0.0.1/32"));
        Http proxied = new Http(server.baseUri());
        proxied.createApi(JOBS, "ES256", "jobs:read");
        HttpResponse<String> noAuthorities = proxied.admin("POST", "/admin/v1/clients", new JsonObject()
                .put("client_id", "mtls").put("name", "mtls").put("tls_client_auth_san_dns", "worker.acme.internal")
                .put("grants", List.of(new JsonObject().put("api", JOBS).put("scopes", List.of("jobs:read")))));
        assertEquals(400, noAuthorities.statusCode(), noAuthorities.body());
        assertTrue(noAuthorities.body().contains("tls_client_auth needs tls.client-ca-file"), noAuthorities.body());
    }

    @Test
    void registrationWhenAttributesWrongThenRefusedNamingTheField() throws Exception {
        start(Map.of());
        for (Map.Entry<String, JsonObject> bad : Map.of(
                "tls_client_auth_san_ip", new JsonObject().put("tls_client_auth_san_ip", "not-an-ip"),
                "tls_client_auth_subject_dn", new JsonObject().put("tls_client_auth_subject_dn", "no dn here"),
                "tls_client_auth_san_uri", new JsonObject().put("tls_client_auth_san_dns", "a.example").put("tls_client_auth_san_uri", "spiffe://x/y"),
                "auth_methods", new JsonObject().put("auth_methods", List.of("tls_client_auth"))).entrySet()) {
            HttpResponse<String> r = admin().admin("POST", "/admin/v1/clients", bad.getValue().copy().put("name", "bad"));
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().contains(bad.getKey()), bad.getKey() + " in " + r.body());
        }
    }
}
