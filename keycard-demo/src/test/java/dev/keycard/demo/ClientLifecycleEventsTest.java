package dev.keycard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.resource.AccessTokenVerifier;
import dev.keycard.resource.TokenVerificationException;
import dev.keycard.server.testing.Eventually;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disabling or deleting a client reaches the APIs: keycard-resource, subscribed to the revocation
 * events, refuses the client's tokens within 2 s, as for a revoked token; and a client created
 * again with the same client_id does not bring them back.
 */
class ClientLifecycleEventsTest {

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

    /** Sleeps into the next whole second: a token's iat has whole seconds, and a revocation covers its own. */
    private static void nextSecond() throws InterruptedException {
        Thread.sleep(1_050 - System.currentTimeMillis() % 1_000);
    }

    @Test
    void verifyWhenTheClientIsDisabledDeletedOrCreatedAgainThenItsEarlierTokensAreRefusedWithin2s() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            Http http = new Http(server.baseUri());
            http.createApi(JOBS, "ES256", "jobs:read");
            String apiSecret = http.createClient("jobs-api", "urn:keycard:admin", "keycard:introspect")
                    .getString("client_secret");
            String sleeperSecret = http.createClient("sleeper", JOBS, "jobs:read").getString("client_secret");
            String leaverSecret = http.createClient("leaver", JOBS, "jobs:read").getString("client_secret");
            String sleeperToken = http.accessToken("sleeper", sleeperSecret, "grant_type", "client_credentials");
            String leaverToken = http.accessToken("leaver", leaverSecret, "grant_type", "client_credentials");

            try (AccessTokenVerifier verifier = AccessTokenVerifier.builder().issuer(server.issuer()).audiences(JOBS)
                    .revocationEvents("jobs-api", apiSecret).build()) {
                assertEquals("sleeper", verifier.verify(sleeperToken).clientId()); // verified, and now cached
                assertEquals("leaver", verifier.verify(leaverToken).clientId());
                nextSecond();

                assertEquals(200, http.admin("POST", "/admin/v1/clients/sleeper/disable", null).statusCode());
                assertTrue(Eventually.within(Duration.ofMillis(2_000), () -> refused(verifier, sleeperToken)), "a disabled client's token still passed");
                assertEquals(204, http.admin("DELETE", "/admin/v1/clients/leaver", null).statusCode());
                assertTrue(Eventually.within(Duration.ofMillis(2_000), () -> refused(verifier, leaverToken)), "a deleted client's token still passed");

                nextSecond();
                String again = http.createClient("leaver", JOBS, "jobs:read").getString("client_secret");
                String fresh = http.accessToken("leaver", again, "grant_type", "client_credentials");
                assertEquals("leaver", verifier.verify(fresh).clientId(), "the new client's tokens pass");
                assertTrue(refused(verifier, leaverToken), "the old client's token came back");
            }
        }
    }
}
