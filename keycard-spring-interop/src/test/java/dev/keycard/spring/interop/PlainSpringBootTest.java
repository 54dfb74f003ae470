package dev.keycard.spring.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
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
import org.springframework.web.client.RestClient;

/**
 * Plain Spring Boot against Keycard, configured the Spring way and nothing else: a client with
 * {@code issuer-uri} only and one with {@code token-uri} at {@code /oauth/token} call a resource
 * server configured with {@code issuer-uri} and {@code audiences}. GET needs SCOPE_jobs:read, POST
 * SCOPE_jobs:write: the batch worker may do both, the report generator only read. Each fetches
 * its token once for all its calls. First with the API's tokens typed {@code JWT} and no extra
 * bean, then with RFC 9068's {@code at+jwt}: refused by Spring Boot's defaults, accepted with the
 * one {@code JwtTypeValidator} bean docs/spring.md shows.
 */
class PlainSpringBootTest {

    static final String JOBS = "https://jobs.internal";

    @TempDir
    static Path dir;
    static KeycardProcess keycard;
    static String workerSecret;
    static String reporterSecret;
    final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    @BeforeAll
    static void startKeycard() throws Exception {
        keycard = KeycardProcess.start(dir);
        keycard.admin("POST", "/admin/v1/apis", "{\"identifier\":\"" + JOBS + "\",\"name\":\"Jobs API\","
                + "\"scopes\":[\"jobs:read\",\"jobs:write\"]}");
        workerSecret = keycard.createClient("batch-worker", JOBS, "jobs:read", "jobs:write");
        reporterSecret = keycard.createClient("report-generator", JOBS, "jobs:read");
    }

    @AfterAll
    static void stopKeycard() {
        keycard.close();
    }

    @AfterEach
    void stopApps() {
        apps.forEach(ConfigurableApplicationContext::close);
    }

    ConfigurableApplicationContext run(SpringApplicationBuilder app, Map<String, Object> properties) {
        ConfigurableApplicationContext context = app.properties(properties).run();
        apps.add(context);
        return context;
    }

    /** The jobs API, on a free port; its base URL. */
    String jobsApi(Class<?>... extra) {
        List<Class<?>> sources = new ArrayList<>(List.of(JobsApi.class));
        sources.addAll(List.of(extra));
        ConfigurableApplicationContext api = run(new SpringApplicationBuilder(sources.toArray(Class[]::new)),
                KeycardProcess.props("server.port", 0, "spring.main.banner-mode", "off",
                        "spring.security.oauth2.resourceserver.jwt.issuer-uri", keycard.issuer(),
                        "spring.security.oauth2.resourceserver.jwt.audiences", JOBS));
        return "http://127.0.0.1:" + ((WebServerApplicationContext) api).getWebServer().getPort();
    }

    /** The batch worker, with the issuer's metadata only, authenticating by HTTP Basic. */
    RestClient batchWorker(String jobsUrl) {
        return run(new SpringApplicationBuilder(BatchWorker.class).web(WebApplicationType.NONE),
                KeycardProcess.props("spring.main.banner-mode", "off", "jobs.url", jobsUrl,
                        "spring.security.oauth2.client.registration.keycard.client-id", "batch-worker",
                        "spring.security.oauth2.client.registration.keycard.client-secret", workerSecret,
                        "spring.security.oauth2.client.registration.keycard.authorization-grant-type", "client_credentials",
                        "spring.security.oauth2.client.registration.keycard.scope", "jobs:read,jobs:write",
                        "spring.security.oauth2.client.provider.keycard.issuer-uri", keycard.issuer()))
                .getBean(RestClient.class);
    }

    /** The report generator, with the token endpoint given, authenticating in the form (client_secret_post). */
    RestClient reportGenerator(String jobsUrl) {
        return run(new SpringApplicationBuilder(BatchWorker.class).web(WebApplicationType.NONE),
                KeycardProcess.props("spring.main.banner-mode", "off", "jobs.url", jobsUrl,
                        "spring.security.oauth2.client.registration.keycard.client-id", "report-generator",
                        "spring.security.oauth2.client.registration.keycard.client-secret", reporterSecret,
                        "spring.security.oauth2.client.registration.keycard.client-authentication-method", "client_secret_post",
                        "spring.security.oauth2.client.registration.keycard.authorization-grant-type", "client_credentials",
                        "spring.security.oauth2.client.provider.keycard.token-uri", keycard.issuer() + "/oauth/token"))
                .getBean(RestClient.class);
    }

    static int get(RestClient client) {
        return client.get().uri("/jobs").exchange((request, response) -> response.getStatusCode().value());
    }

    static int complete(RestClient client) {
        return client.post().uri("/jobs/1/complete").exchange((request, response) -> response.getStatusCode().value());
    }

    void assertBothClientsGetWhatTheirScopesAllow(String jobsUrl) throws Exception {
        double before = keycard.tokensIssued(JOBS);
        RestClient worker = batchWorker(jobsUrl);
        RestClient reporter = reportGenerator(jobsUrl);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get(worker), "batch-worker GET /jobs");
            assertEquals(200, complete(worker), "batch-worker POST /jobs/1/complete");
            assertEquals(200, get(reporter), "report-generator GET /jobs");
            assertEquals(403, complete(reporter), "report-generator lacks jobs:write");
        }
        assertEquals(2.0, keycard.tokensIssued(JOBS) - before, "one token per client for its twelve calls");
    }

    @Test
    void plainSpringWhenTheApiIssuesTypJwtThenBothEndsWorkWithConfigurationAlone() throws Exception {
        keycard.tokenType(JOBS, "JWT");
        try {
            assertBothClientsGetWhatTheirScopesAllow(jobsApi());
        } finally {
            keycard.tokenType(JOBS, "at+jwt");
        }
    }

    @Test
    void plainSpringWhenTheApiIssuesAtJwtThenRefusedByDefaultAndAcceptedWithTheOneBean() throws Exception {
        assertEquals(401, get(batchWorker(jobsApi())), "Spring Boot's default validator accepts typ JWT only");
        assertBothClientsGetWhatTheirScopesAllow(jobsApi(AcceptingAtJwt.class));
    }
}
