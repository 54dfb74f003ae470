package dev.keycard.server.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestIssuer;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workload identity federation through the server: trust sources and federated identities
 * registered through the admin API, a local issuer's tokens exchanged for access tokens at the
 * token endpoint, and what the store keeps across a restart.
 */
class FederationHttpTest {

    static final String JOBS = "https://jobs.internal";
    static final String GITHUB_SUBJECT = "repo:acme/jobs:ref:refs/heads/main";

    @TempDir
    Path dir;
    TestServer server;
    Http http;
    final TestIssuer issuer = new TestIssuer();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        issuer.close();
    }

    void start() {
        // The local issuer speaks http: allowed for development only.
        server = TestServer.start(dir, Map.of("client-assertion.allow-http-jwks-uri", "true"));
        http = new Http(server.baseUri());
        if (http.admin("GET", "/admin/v1/apis/" + Http.enc(JOBS), null).statusCode() == 404) {
            http.createApi(JOBS, "ES256", "jobs:read");
        }
    }

    HttpResponse<String> admin(String method, String path, JsonObject body) {
        return http.admin(method, path, body);
    }

    JsonObject created(HttpResponse<String> r) {
        assertEquals(201, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    /** A client with no secret and no keys: it authenticates only as a federated workload. */
    JsonObject workloadClient(String id) {
        return created(admin("POST", "/admin/v1/clients", new JsonObject().put("client_id", id).put("name", id)
                .put("auth_methods", new JsonArray())
                .put("grants", new JsonArray().add(new JsonObject().put("api", JOBS).put("scopes", List.of("jobs:read"))))));
    }

    HttpResponse<String> federate(String clientId, String source, String subject, JsonObject claims) {
        JsonObject body = new JsonObject().put("trust_source", source).put("subject", subject);
        if (claims != null) {
            body.put("claims", claims);
        }
        return admin("POST", "/admin/v1/clients/" + clientId + "/federated-identities", body);
    }

    HttpResponse<String> token(String assertion, String... more) {
        String[] params = new String[2 + more.length];
        params[0] = "grant_type";
        params[1] = "client_credentials";
        System.arraycopy(more, 0, params, 2, more.length);
        return post("/oauth2/token", assertion, params);
    }

    HttpResponse<String> post(String path, String assertion, String... more) {
        String[] params = new String[4 + more.length];
        System.arraycopy(new String[] {"client_assertion_type", ClientAssertions.JWT_BEARER, "client_assertion",
                assertion}, 0, params, 0, 4);
        System.arraycopy(more, 0, params, 4, more.length);
        return http.send(http.request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Http.form(params))));
    }

    String githubToken() {
        return issuer.token(GITHUB_SUBJECT, server.issuer(), b -> b.claim("repository_id", "42"));
    }

    @Test
    void tokenWhenAGithubWorkflowPresentsItsOidcTokenThenItsClientGetsATokenWithoutASecret() throws Exception {
        start();
        JsonObject source = created(admin("POST", "/admin/v1/trust-sources", new JsonObject()
                .put("kind", "github-actions").put("name", "gha").put("issuer", issuer.url())));
        assertEquals("discovery", source.getString("keys"));
        assertEquals(server.issuer(), source.getString("audience"), "the default audience is Keycard's issuer");
        assertEquals(900, source.getLong("max_token_lifetime"));
        JsonObject client = workloadClient("jobs-deploy");
        assertNull(client.getValue("client_secret"), "a workload client gets no secret");
        JsonObject withIdentity = created(federate("jobs-deploy", "gha", GITHUB_SUBJECT,
                new JsonObject().put("repository_id", "42")));
        JsonObject identity = withIdentity.getJsonArray("federated_identities").getJsonObject(0);
        assertEquals(GITHUB_SUBJECT, identity.getString("subject"));

        HttpResponse<String> r = token(githubToken());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("jobs-deploy", SignedJWT.parse(new JsonObject(r.body()).getString("access_token"))
                .getJWTClaimsSet().getSubject());
        assertEquals(200, token(githubToken(), "client_id", "jobs-deploy").statusCode());
        // The same platform token authenticates at introspection and revocation too.
        String accessToken = new JsonObject(r.body()).getString("access_token");
        HttpResponse<String> active = post("/oauth2/introspect", githubToken(), "token", accessToken);
        assertEquals(200, active.statusCode(), active.body());
        assertEquals(true, new JsonObject(active.body()).getBoolean("active"));
        assertEquals(200, post("/oauth2/revoke", githubToken(), "token", accessToken).statusCode());
        assertEquals(false, new JsonObject(post("/oauth2/introspect", githubToken(), "token", accessToken).body())
                .getBoolean("active"));

        // Another condition's value, the claim condition fails.
        assertEquals(401, token(issuer.token(GITHUB_SUBJECT, server.issuer(), b -> b.claim("repository_id", "7")))
                .statusCode());
        // Removed, the identity no longer authenticates.
        assertEquals(204, admin("DELETE", "/admin/v1/clients/jobs-deploy/federated-identities/"
                + identity.getString("id"), null).statusCode());
        HttpResponse<String> refused = token(githubToken());
        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals("invalid_client", new JsonObject(refused.body()).getString("error"));
    }

    @Test
    void tokenWhenASubjectMappedToOneClientSendsAnotherClientsIdThenRefused() {
        start();
        created(admin("POST", "/admin/v1/trust-sources", new JsonObject().put("kind", "github-actions")
                .put("issuer", issuer.url())));
        workloadClient("jobs-deploy");
        workloadClient("jobs-admin");
        created(federate("jobs-deploy", "github-actions", GITHUB_SUBJECT, null));
        HttpResponse<String> r = token(githubToken(), "client_id", "jobs-admin");
        assertEquals(401, r.statusCode(), r.body());
        assertEquals("invalid_client", new JsonObject(r.body()).getString("error"));
    }

    @Test
    void federateWhenTheSubjectIsRegisteredAlreadyThenConflictAndWhenItIsADefaultServiceAccountThenOnlyForced() {
        start();
        created(admin("POST", "/admin/v1/trust-sources", new JsonObject().put("kind", "kubernetes")
                .put("name", "prod-cluster").put("issuer", issuer.url())
                .put("jwks", new JsonObject(issuer.jwks())).put("audience", "keycard")));
        workloadClient("payments-batch");
        workloadClient("payments-other");
        String subject = "system:serviceaccount:payments:batch-worker";
        created(federate("payments-batch", "prod-cluster", subject, null));
        assertEquals(409, federate("payments-batch", "prod-cluster", subject, null).statusCode());
        assertEquals(409, federate("payments-other", "prod-cluster", subject, null).statusCode(),
                "one (issuer, subject) is one client");

        HttpResponse<String> defaultAccount = federate("payments-other", "prod-cluster",
                "system:serviceaccount:payments:default", null);
        assertEquals(400, defaultAccount.statusCode(), defaultAccount.body());
        assertTrue(defaultAccount.body().contains("default service account"), defaultAccount.body());
        created(admin("POST", "/admin/v1/clients/payments-other/federated-identities", new JsonObject()
                .put("trust_source", "prod-cluster").put("subject", "system:serviceaccount:payments:default")
                .put("force", true)));
        assertEquals(400, federate("payments-other", "prod-cluster", "payments/batch-worker", null).statusCode());
        assertEquals(400, federate("payments-other", "no-such-source", subject + "x", null).statusCode());

        // In use, the trust source stays.
        assertEquals(409, admin("DELETE", "/admin/v1/trust-sources/prod-cluster", null).statusCode());
        assertEquals(409, admin("POST", "/admin/v1/trust-sources", new JsonObject().put("kind", "oidc")
                .put("name", "again").put("issuer", issuer.url())).statusCode(), "one trust source per issuer");
    }

    @Test
    void tokenWhenTheServerRestartsThenTrustSourcesAndIdentitiesAreReadBack() {
        start();
        created(admin("POST", "/admin/v1/trust-sources", new JsonObject().put("kind", "kubernetes")
                .put("issuer", issuer.url()).put("jwks_uri", issuer.jwksUri())));
        workloadClient("payments-batch");
        String subject = "system:serviceaccount:payments:batch-worker";
        created(federate("payments-batch", "kubernetes", subject, null));
        assertEquals(200, token(issuer.token(subject, server.issuer(), b -> b)).statusCode());
        server.close();
        start();
        HttpResponse<String> r = token(issuer.token(subject, server.issuer(), b -> b));
        assertEquals(200, r.statusCode(), r.body());
        JsonObject list = new JsonObject(admin("GET", "/admin/v1/trust-sources", null).body());
        assertEquals("kubernetes", list.getJsonArray("items").getJsonObject(0).getString("name"));
    }

    @Test
    void createTrustSourceWhenItIsWrongThenEachFaultIsNamed() {
        start();
        assertEquals(400, admin("POST", "/admin/v1/trust-sources", new JsonObject().put("kind", "azure")
                .put("issuer", issuer.url())).statusCode());
        assertEquals(400, admin("POST", "/admin/v1/trust-sources", new JsonObject().put("kind", "oidc")).statusCode(),
                "an issuer is required");
        assertEquals(400, admin("POST", "/admin/v1/trust-sources", new JsonObject().put("kind", "spiffe")
                .put("trust_domain", "Prod Acme").put("jwks_uri", issuer.jwksUri())).statusCode());
        assertEquals(400, admin("POST", "/admin/v1/trust-sources", new JsonObject().put("kind", "spiffe")
                .put("trust_domain", "prod.acme")).statusCode(), "a bundle endpoint is required");
        assertEquals(400, admin("POST", "/admin/v1/trust-sources", new JsonObject().put("kind", "oidc")
                .put("issuer", issuer.url()).put("max_token_lifetime", 10)).statusCode());
        assertEquals(400, admin("POST", "/admin/v1/trust-sources", new JsonObject().put("kind", "oidc")
                .put("issuer", issuer.url()).put("colour", "blue")).statusCode());
        JsonObject spiffe = created(admin("POST", "/admin/v1/trust-sources", new JsonObject().put("kind", "spiffe")
                .put("trust_domain", "prod.acme").put("jwks_uri", issuer.jwksUri())));
        assertEquals("prod.acme", spiffe.getString("name"));
        assertEquals("prod.acme", spiffe.getString("trust_domain"));
        assertEquals(404, admin("GET", "/admin/v1/trust-sources/nope", null).statusCode());
        assertEquals(204, admin("DELETE", "/admin/v1/trust-sources/prod.acme", null).statusCode());
    }
}
