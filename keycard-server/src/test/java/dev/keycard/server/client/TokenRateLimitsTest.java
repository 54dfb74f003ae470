package dev.keycard.server.client;

import dev.keycard.server.registry.Client;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.ClientId;
import dev.keycard.protocol.GrantType;
import dev.keycard.server.config.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenRateLimitsTest {

    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    static Client client(String id, Optional<RateLimit> limit) {
        return new Client(new ClientId(id), id, true, Set.of(ClientAuthMethod.CLIENT_SECRET_BASIC),
                Set.of(GrantType.CLIENT_CREDENTIALS), Optional.empty(), Map.of(), List.of(), T0, T0, limit);
    }

    @Test
    void takeWhenABurstOfTheLimitThenAllPassAndTheNextWaitsOneInterval() {
        TokenRateLimits limits = new TokenRateLimits(RateLimit.OFF);
        Client c = client("worker", Optional.of(RateLimit.parse("3/m")));
        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.empty(), limits.take(c, T0), "request " + i);
        }
        assertEquals(Optional.of(Duration.ofSeconds(20)), limits.take(c, T0));
        assertEquals(Optional.of(Duration.ofSeconds(10)), limits.take(c, T0.plusSeconds(10)));
        assertEquals(Optional.empty(), limits.take(c, T0.plusSeconds(20)), "one came back after a third of a minute");
        assertTrue(limits.take(c, T0.plusSeconds(20)).isPresent());
    }

    @Test
    void takeWhenNoOwnLimitThenTheServerDefaultAndOffMeansNone() {
        TokenRateLimits limits = new TokenRateLimits(RateLimit.parse("1/s"));
        Client plain = client("plain", Optional.empty());
        Client exempt = client("exempt", Optional.of(RateLimit.OFF));
        assertEquals(Optional.empty(), limits.take(plain, T0));
        assertTrue(limits.take(plain, T0).isPresent(), "the default applies");
        for (int i = 0; i < 1000; i++) {
            assertEquals(Optional.empty(), limits.take(exempt, T0));
        }
    }

    @Test
    void takeWhenTheClientsLimitChangesThenTheNewOneApplies() {
        TokenRateLimits limits = new TokenRateLimits(RateLimit.OFF);
        assertEquals(Optional.empty(), limits.take(client("w", Optional.of(RateLimit.parse("1/h"))), T0));
        assertTrue(limits.take(client("w", Optional.of(RateLimit.parse("1/h"))), T0).isPresent());
        assertEquals(Optional.empty(), limits.take(client("w", Optional.of(RateLimit.parse("5/s"))), T0));
    }

    @Test
    void parseWhenWrittenThenReadBackAndBadTextRefused() {
        assertEquals("50/s", RateLimit.parse(" 50/S ").toString());
        assertEquals("off", RateLimit.parse("off").toString());
        assertEquals(new RateLimit(600, Duration.ofMinutes(1)), RateLimit.parse("600/m"));
        for (String bad : List.of("", "50", "0/s", "-1/s", "5/d", "x/s", "5/", "/s", "2000000/s")) {
            assertThrows(IllegalArgumentException.class, () -> RateLimit.parse(bad), bad);
        }
    }
}
