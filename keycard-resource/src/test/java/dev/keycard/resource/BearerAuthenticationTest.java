package dev.keycard.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.keycard.protocol.ScopeSet;
import dev.keycard.resource.testing.TestIssuer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BearerAuthenticationTest {

    @Test
    void authenticateWhenIssuerKeysNeverLoadedThen503NotTheCallersFault() {
        var key = TestIssuer.rsaKey("k");
        try (TestIssuer issuer = TestIssuer.start().publish(key);
             AccessTokenVerifier verifier = AccessTokenVerifier.builder().issuer(issuer.issuer())
                     .audiences(TestIssuer.AUDIENCE).build()) {
            issuer.jwksStatus(500);
            var outcome = new BearerAuthentication(verifier)
                    .authenticate(List.of("Bearer " + issuer.token(key, Instant.now())), ScopeSet.empty()).join();
            BearerError error = assertInstanceOf(BearerAuthentication.Refused.class, outcome).error();
            assertEquals(503, error.status());
            assertEquals(null, error.challenge());
            assertEquals("{\"error\":\"temporarily_unavailable\",\"error_description\":"
                    + "\"Token verification is temporarily unavailable\"}", error.json());
        }
    }

    @Test
    void authenticateWhenTokenGoodAndScopesHeldThenAuthorized() {
        var key = TestIssuer.ecKey("k");
        try (TestIssuer issuer = TestIssuer.start().publish(key);
             AccessTokenVerifier verifier = AccessTokenVerifier.builder().issuer(issuer.issuer())
                     .audiences(TestIssuer.AUDIENCE).build()) {
            var outcome = new BearerAuthentication(verifier)
                    .authenticate(List.of("Bearer " + issuer.token(key, Instant.now())), ScopeSet.of("jobs:write")).join();
            assertEquals("batch-worker", assertInstanceOf(BearerAuthentication.Authorized.class, outcome).token().clientId());
        }
    }
}
