package dev.keycard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.keycard.resource.AccessTokenVerifier;
import dev.keycard.resource.TokenVerificationException;
import dev.keycard.server.testing.Eventually;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation that reaches APIs: keycard-resource subscribed to Keycard's revocation events
 * refuses a revoked token within 2 s, cached or not, and after its connection broke (Keycard
 * restarted) it resumes from its last event id and has missed nothing.
 */
class RevocationEventsTest {

    private static final String JOBS = "https://jobs.internal";

    @TempDir
    Path dir;

    private static boolean refused(AccessTokenVerifier verifier, String token) {
        try {
            verifier.verify(token);
            return false;
        } catch (TokenVerificationException.InvalidToken e) {
            return true;
        }
    }

    private static int revoke(Http http, String secret, String token) {
        return http.send(http.request("/oauth2/revoke").header("Authorization", Http.basic("batch-worker", secret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("token", token)))).statusCode();
    }

    @Test
    void verifyWhenTokenRevokedThenSubscribedApiRefusesItWithin2sAndMissesNothingAcrossARestart() throws Exception {
        String secret;
        String apiSecret;
        int port;
        String second;
        String third;
        TestServer server = TestServer.start(dir);
        port = server.baseUri().getPort();
        Http http = new Http(server.baseUri());
        http.createApi(JOBS, "ES256", "jobs:read");
        secret = http.createClient("batch-worker", JOBS, "jobs:read").getString("client_secret");
        apiSecret = http.createClient("jobs-api", "urn:keycard:admin", "keycard:introspect").getString("client_secret");
        String first = http.accessToken("batch-worker", secret, "grant_type", "client_credentials");
        second = http.accessToken("batch-worker", secret, "grant_type", "client_credentials");
        third = http.accessToken("batch-worker", secret, "grant_type", "client_credentials");

        try (AccessTokenVerifier verifier = AccessTokenVerifier.builder().issuer(server.issuer()).audiences(JOBS)
                .revocationEvents("jobs-api", apiSecret).build()) {
            assertEquals("batch-worker", verifier.verify(first).clientId()); // verified, and now cached
            assertEquals(200, revoke(http, secret, first));
            assertTrue(Eventually.within(Duration.ofMillis(2_000), () -> refused(verifier, first)), "the revoked token was still accepted after 2 s");
            assertEquals("batch-worker", verifier.verify(second).clientId(), "other tokens are unaffected");

            server.close(); // the subscriber's connection breaks; it retries with back-off
            server = TestServer.start(dir, Map.of("http.port", String.valueOf(port)));
            Http again = new Http(server.baseUri());
            SignedJWT jwt = SignedJWT.parse(second);
            server.server().revocations().revoke(jwt.getJWTClaimsSet().getJWTID(), "batch-worker",
                    jwt.getJWTClaimsSet().getExpirationTime().toInstant()); // most likely while it is still away
            assertTrue(Eventually.within(Duration.ofMillis(10_000), () -> refused(verifier, second)), "a revocation made while away was missed");
            assertTrue(refused(verifier, first), "what it had before the break is kept");

            assertEquals(200, revoke(again, secret, third));
            assertTrue(Eventually.within(Duration.ofMillis(2_000), () -> refused(verifier, third)), "after reconnecting, new revocations arrive");
        } finally {
            server.close();
        }
        assertThrows(IllegalStateException.class, () -> AccessTokenVerifier.builder().issuer("https://x")
                .audiences(JOBS).revocationsFailClosedAfter(java.time.Duration.ofSeconds(1)).build(),
                "failing closed needs a subscription");
    }
}
