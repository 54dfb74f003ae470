package dev.keycard.demo;

import dev.keycard.resource.AccessTokenVerifier;
import dev.keycard.resource.TokenVerificationException;
import dev.keycard.resource.VerifiedToken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Keycard's tokens against two verifiers that share no code with the server: keycard-resource,
 * finding the keys through discovery, and Spring Security's {@link NimbusJwtDecoder}, configured
 * as a Spring Boot resource server would be (issuer location, RFC 9068 validator).
 */
class KeycardInteropTest {

    private static final String JOBS = "https://jobs.internal";
    private static final String REPORTS = "https://reports.internal";

    @TempDir
    static Path dir;
    private static TestServer server;
    private static Http http;
    private static String secret;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        http = new Http(server.baseUri());
        http.createApi(JOBS, "RS256", "jobs:read", "jobs:write");
        http.createApi(REPORTS, "ES256", "reports:read");
        JsonObject client = http.createClient("batch-worker", JOBS, "jobs:read", "jobs:write");
        secret = client.getString("client_secret");
        http.admin("PUT", "/admin/v1/clients/batch-worker/grants/" + Http.enc(REPORTS),
                new JsonObject().put("scopes", List.of("reports:read")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String token(String resource, String scope) {
        return http.accessToken("batch-worker", secret, "grant_type", "client_credentials", "resource", resource, "scope", scope);
    }

    @Test
    void keycardResourceWhenKeycardTokensThenAcceptedThroughDiscovery() {
        try (AccessTokenVerifier jobs = AccessTokenVerifier.builder().issuer(server.issuer()).audiences(JOBS).build();
             AccessTokenVerifier reports = AccessTokenVerifier.builder().issuer(server.issuer()).audiences(REPORTS).build()) {
            VerifiedToken rs = jobs.verify(token(JOBS, "jobs:read"));
            assertEquals("batch-worker", rs.clientId());
            assertEquals("batch-worker", rs.subject());
            assertEquals("jobs:read", rs.scopes().toString());
            assertEquals(List.of(JOBS), rs.audiences());
            assertEquals("reports:read", reports.verify(token(REPORTS, "reports:read")).scopes().toString());
            assertThrows(TokenVerificationException.InvalidToken.class, () -> jobs.verify(token(REPORTS, "reports:read")));
        }
    }

    @Test
    void springNimbusJwtDecoderWhenKeycardTokensThenAccepted() {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(server.issuer())
                .jwsAlgorithms(algs -> {
                    algs.add(SignatureAlgorithm.RS256);
                    algs.add(SignatureAlgorithm.ES256);
                })
                .build();
        decoder.setJwtValidator(JwtValidators.createAtJwtValidator().issuer(server.issuer()).audience(JOBS).build());

        Jwt jwt = decoder.decode(token(JOBS, "jobs:read jobs:write"));
        assertEquals("batch-worker", jwt.getSubject());
        assertEquals("jobs:read jobs:write", jwt.getClaimAsString("scope"));
        assertEquals("at+jwt", jwt.getHeaders().get("typ"));
        assertThrows(JwtValidationException.class, () -> decoder.decode(token(REPORTS, "reports:read")),
                "the RFC 9068 validator refuses another API's token");

        NimbusJwtDecoder reports = NimbusJwtDecoder.withIssuerLocation(server.issuer())
                .jwsAlgorithm(SignatureAlgorithm.ES256).build();
        reports.setJwtValidator(JwtValidators.createAtJwtValidator().issuer(server.issuer()).audience(REPORTS).build());
        assertEquals("reports:read", reports.decode(token(REPORTS, "reports:read")).getClaimAsString("scope"));
    }
}
