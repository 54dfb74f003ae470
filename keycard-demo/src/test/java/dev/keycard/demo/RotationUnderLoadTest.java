package dev.keycard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.keycard.resource.AccessTokenVerifier;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keycard rotates its signing key on schedule while tokens are being issued and verified, and a
 * keycard-resource verifier follows without a restart and without a single failed verification:
 * each new key is in the JWKS before its first token, and each old key stays there while tokens
 * it signed are alive. Periods are shortened (rotation every 3 s, 2 s publish lead, 1 s JWKS
 * cache) and the verifier told it may refetch every second.
 */
class RotationUnderLoadTest {

    private static final String JOBS = "https://jobs.internal";

    @TempDir
    Path dir;

    @Test
    void verifyWhenTwoScheduledRotationsHappenUnderLoadThenNoVerificationFails() throws Exception {
        Map<String, String> settings = Map.of("keys.rotation-period", "3s", "keys.publish-lead", "2s",
                "keys.jwks-max-age", "1s", "token.max-lifetime", "20s", "token.default-lifetime", "20s");
        try (TestServer server = TestServer.start(dir, settings);
             AccessTokenVerifier verifier = AccessTokenVerifier.builder().issuer(server.issuer()).audiences(JOBS)
                     .minKeySetRefresh(Duration.ofSeconds(1)).build()) {
            Http http = new Http(server.baseUri());
            http.createApi(JOBS, "RS256", "jobs:read");
            String secret = http.createClient("batch-worker", JOBS, "jobs:read").getString("client_secret");

            Set<String> kids = ConcurrentHashMap.newKeySet();
            AtomicInteger verified = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<String> early = java.util.Collections.synchronizedList(new ArrayList<>());
            long until = System.nanoTime() + Duration.ofSeconds(11).toNanos();
            ExecutorService load = Executors.newFixedThreadPool(2);
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                workers.add(load.submit(() -> {
                    while (System.nanoTime() < until) {
                        String token = http.accessToken("batch-worker", secret, "grant_type", "client_credentials");
                        try {
                            kids.add(SignedJWT.parse(token).getHeader().getKeyID());
                            verifier.verify(token);
                            verified.incrementAndGet();
                            if (early.size() < 20) {
                                early.add(token);
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            if (failures.size() < 5) {
                                failures.add(e.getMessage());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
            load.shutdown();
            for (String token : early) { // signed by the first keys, still alive: still verifiable
                verifier.verify(token);
            }

            assertEquals(0, failed.get(), "verifications failed during rotation, e.g. " + failures);
            assertTrue(kids.size() >= 3, "two rotations, three keys signed: " + kids);
            assertTrue(verified.get() > 100, "the load ran: " + verified.get());
        }
    }
}
