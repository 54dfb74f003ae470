package dev.keycard.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.client.ClientCredentialsTokenSource;
import dev.keycard.server.testing.Eventually;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The starter at both ends against a real Keycard: the outcomes plain Spring gets (scopes as
 * authorities, 403 for the missing one, one token per client for many calls), with RFC 9068's
 * {@code at+jwt} and no extra bean, plus what plain Spring lacks: a token revoked at Keycard is
 * refused within 2 s (the revocation event stream), and a token for another API is refused.
 */
class StarterEndToEndTest {

    static final String JOBS = "https://jobs.internal";

    @TempDir
    static Path dir;
    static TestServer keycard;
    static Http http;
    static String workerSecret;
    static String reporterSecret;
    static String apiSecret;
    final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    @BeforeAll
    static void startKeycard() {
        keycard = TestServer.start(dir, Map.of("metrics.enabled", "true"));
        http = new Http(keycard.baseUri());
        http.createApi(JOBS, "ES256", "jobs:read", "jobs:write");
        http.createApi("https://other.internal", "ES256", "other:read");
        workerSecret = http.createClient("batch-worker", JOBS, "jobs:read", "jobs:write").getString("client_secret");
        reporterSecret = http.createClient("report-generator", JOBS, "jobs:read").getString("client_secret");
        apiSecret = http.createClient("jobs-api", "urn:keycard:admin", "keycard:introspect").getString("client_secret");
    }

    @AfterAll
    static void stopKeycard() {
        keycard.close();
    }

    @AfterEach
    void stopApps() {
        apps.forEach(ConfigurableApplicationContext::close);
    }

    static Map<String, Object> props(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** The jobs API with the starter, subscribed to revocations; its base URL. */
    String jobsApi() {
        ConfigurableApplicationContext api = new SpringApplicationBuilder(JobsApiWithStarter.class).properties(props(
                "server.port", 0, "spring.main.banner-mode", "off",
                "keycard.resource.issuer", keycard.issuer(), "keycard.resource.audience", JOBS,
                "keycard.resource.revocation-events.client-id", "jobs-api",
                "keycard.resource.revocation-events.client-secret", apiSecret)).run();
        apps.add(api);
        return "http://127.0.0.1:" + ((WebServerApplicationContext) api).getWebServer().getPort();
    }

    /** A caller with the starter: registration {@code jobs} for {@code clientId}. */
    RestClient caller(String jobsUrl, String clientId, String secret, String authMethod) {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(WorkerWithStarter.class)
                .web(WebApplicationType.NONE).properties(props("spring.main.banner-mode", "off", "jobs.url", jobsUrl,
                        "keycard.client.issuer", keycard.issuer(),
                        "keycard.client.registration.jobs.client-id", clientId,
                        "keycard.client.registration.jobs.client-secret", secret,
                        "keycard.client.registration.jobs.auth-method", authMethod,
                        "keycard.client.registration.jobs.resource", JOBS)).run();
        apps.add(app);
        return app.getBean(RestClient.class);
    }

    static int get(RestClient client) {
        return client.get().uri("/jobs").exchange((request, response) -> response.getStatusCode().value());
    }

    static int complete(RestClient client) {
        return client.post().uri("/jobs/1/complete").exchange((request, response) -> response.getStatusCode().value());
    }

    static int getWith(String jobsUrl, String token) {
        return RestClient.create(jobsUrl).get().uri("/jobs").header("Authorization", "Bearer " + token)
                .exchange((request, response) -> response.getStatusCode().value());
    }

    static double tokensIssued() {
        return http.get("/metrics").body().lines()
                .filter(l -> l.startsWith("keycard_tokens_issued_total{") && l.contains("api=\"" + JOBS + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void starterWhenBothEndsUseItThenScopesDecideAndEachClientFetchesOneToken() {
        String jobsUrl = jobsApi();
        double before = tokensIssued();
        RestClient worker = caller(jobsUrl, "batch-worker", workerSecret, "client_secret_basic");
        RestClient reporter = caller(jobsUrl, "report-generator", reporterSecret, "client_secret_post");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get(worker), "batch-worker GET /jobs");
            assertEquals(200, complete(worker), "batch-worker POST /jobs/1/complete");
            assertEquals(200, get(reporter), "report-generator GET /jobs");
            assertEquals(403, complete(reporter), "report-generator lacks jobs:write");
        }
        assertEquals(2.0, tokensIssued() - before, "one token per client for its twelve calls");
    }

    @Test
    void starterWhenATokenIsRevokedAtKeycardThenTheApiRefusesItWithin2s() throws Exception {
        String jobsUrl = jobsApi();
        String token = http.accessToken("batch-worker", workerSecret, "grant_type", "client_credentials");
        assertEquals(200, getWith(jobsUrl, token));
        int revoked = http.send(http.request("/oauth2/revoke").header("Authorization", Http.basic("batch-worker", workerSecret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("token", token)))).statusCode();
        assertEquals(200, revoked);
        assertTrue(Eventually.within(Duration.ofMillis(2_000), () -> getWith(jobsUrl, token) == 401), "the revoked token was still accepted after 2 s");
    }

    @Test
    void starterWhenATokenIsDPoPBoundThenRefusedAsABearerToken() {
        String jobsUrl = jobsApi();
        com.nimbusds.jose.jwk.ECKey key = dev.keycard.server.testing.DPoPProofs.newKey();
        HttpResponse<String> issued = http.send(http.request("/oauth2/token")
                .header("Authorization", Http.basic("batch-worker", workerSecret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("DPoP", dev.keycard.server.testing.DPoPProofs.proof(key, "POST", keycard.issuer() + "/oauth2/token"))
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("grant_type", "client_credentials"))));
        assertEquals(200, issued.statusCode(), issued.body());
        String bound = new JsonObject(issued.body()).getString("access_token");
        assertEquals(401, getWith(jobsUrl, bound), "a copied DPoP-bound token must not work as a bearer token");
        // Spring Security refuses it too; the starter's decoder does on its own, wherever it is used.
        try (dev.keycard.resource.AccessTokenVerifier verifier = dev.keycard.resource.AccessTokenVerifier.builder()
                .issuer(keycard.issuer()).audiences(JOBS).build()) {
            KeycardJwtDecoder decoder = new KeycardJwtDecoder(verifier);
            org.junit.jupiter.api.Assertions.assertThrows(org.springframework.security.oauth2.jwt.BadJwtException.class,
                    () -> decoder.decode(bound));
            assertEquals("batch-worker", decoder.decode(http.accessToken("batch-worker", workerSecret, "grant_type",
                    "client_credentials")).getSubject(), "a bearer token still decodes");
        }
    }

    @Test
    void starterWhenATokenIsForAnotherApiOrTypedJwtThenRefused() {
        String jobsUrl = jobsApi();
        String otherSecret = http.createClient("other-caller", "https://other.internal", "other:read")
                .getString("client_secret");
        String other = http.accessToken("other-caller", otherSecret, "grant_type", "client_credentials");
        assertEquals(401, getWith(jobsUrl, other), "a token for another API");

        http.admin("PATCH", "/admin/v1/apis/https%3A%2F%2Fjobs.internal", new JsonObject().put("token_type", "JWT"));
        try {
            String typedJwt = http.accessToken("batch-worker", workerSecret, "grant_type", "client_credentials");
            assertEquals(401, getWith(jobsUrl, typedJwt), "the starter keeps RFC 9068's typ check");
        } finally {
            http.admin("PATCH", "/admin/v1/apis/https%3A%2F%2Fjobs.internal", new JsonObject().put("token_type", "at+jwt"));
        }
    }

    /** A worker with the starter, whose registration {@code jobs} is for batch-worker. */
    ConfigurableApplicationContext worker(String jobsUrl) {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(WorkerWithStarter.class)
                .web(WebApplicationType.NONE).properties(props("spring.main.banner-mode", "off", "jobs.url", jobsUrl,
                        "keycard.client.registration.jobs.issuer", keycard.issuer(),
                        "keycard.client.registration.jobs.client-id", "batch-worker",
                        "keycard.client.registration.jobs.client-secret", workerSecret)).run();
        apps.add(app);
        return app;
    }

    /** Revokes the token {@code tokens} holds now, and waits until the API refuses it; returns it. */
    String revokeCurrent(ClientCredentialsTokenSource tokens, String jobsUrl) throws Exception {
        String token = tokens.token().value();
        revoke(token);
        assertTrue(Eventually.within(Duration.ofMillis(2_000), () -> getWith(jobsUrl, token) == 401), "the API heard of the revocation");
        return token;
    }

    @Test
    void restClientInterceptorWhenTheApiRefusesARevokedTokenThenTheRequestIsSentOnceMoreWithANewOne() throws Exception {
        String jobsUrl = jobsApi();
        ConfigurableApplicationContext app = worker(jobsUrl);
        RestClient worker = app.getBean(RestClient.class);
        ClientCredentialsTokenSource tokens = app.getBean(KeycardClients.class).tokenSource("jobs");
        assertEquals(200, get(worker));
        String revoked = revokeCurrent(tokens, jobsUrl);

        assertEquals(200, get(worker), "the interceptor dropped the revoked token and got another");
        assertNotEquals(revoked, tokens.token().value());
    }

    @Test
    void webClientFilterWhenTheApiRefusesARevokedTokenThenTheRequestIsSentOnceMoreWithANewOne() throws Exception {
        String jobsUrl = jobsApi();
        ClientCredentialsTokenSource tokens = worker(jobsUrl).getBean(KeycardClients.class).tokenSource("jobs");
        WebClient reactive = WebClient.builder().baseUrl(jobsUrl).clientConnector(new JdkClientHttpConnector())
                .filter(new KeycardExchangeFilterFunction(tokens)).build();
        assertEquals(200, reactive.get().uri("/jobs").retrieve().toBodilessEntity().block().getStatusCode().value());
        String revoked = revokeCurrent(tokens, jobsUrl);

        assertEquals(200, reactive.get().uri("/jobs").retrieve().toBodilessEntity().block().getStatusCode().value(),
                "the filter dropped the revoked token and got another");
        assertNotEquals(revoked, tokens.token().value());
    }

    static void revoke(String token) {
        int status = http.send(http.request("/oauth2/revoke").header("Authorization", Http.basic("batch-worker", workerSecret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("token", token)))).statusCode();
        assertEquals(200, status);
    }
}
