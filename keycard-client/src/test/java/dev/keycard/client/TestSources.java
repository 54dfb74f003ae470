package dev.keycard.client;

import java.time.Clock;
import java.time.Duration;

/** Token sources pointed at a stub, with back-off short enough for tests and no jitter. */
final class TestSources {

    static final String SECRET = "kcs_stub-secret-do-not-leak-0123456789";

    private TestSources() {
    }

    static ClientCredentialsTokenSource.Builder stub(StubServer stub, Clock clock) {
        return ClientCredentialsTokenSource.builder()
                .tokenEndpoint(stub.uri("/token"))
                .clientId("svc")
                .clientSecret(SECRET)
                .clock(clock)
                .initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofSeconds(2))
                .random(() -> 0L);
    }
}
