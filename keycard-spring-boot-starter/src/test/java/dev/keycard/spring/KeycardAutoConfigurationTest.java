package dev.keycard.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.resource.AccessTokenVerifier;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** The starter's auto-configuration, decided from properties and the application's own beans. */
class KeycardAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(KeycardResourceServerAutoConfiguration.class, KeycardClientAutoConfiguration.class,
                    OAuth2ResourceServerAutoConfiguration.class));

    static final String[] RESOURCE = {"keycard.resource.issuer=https://keycard.internal",
        "keycard.resource.audience=https://jobs.internal"};
    static final String[] CLIENT = {"keycard.client.issuer=https://keycard.internal",
        "keycard.client.registration.jobs.client-id=batch-worker",
        "keycard.client.registration.jobs.client-secret=kcs_secret-value",
        "keycard.client.registration.jobs.scopes=jobs:read,jobs:write"};

    /** The message of the start failure, with its causes, for a property named in it. */
    static String failure(AssertableApplicationContext context) {
        Throwable failure = context.getStartupFailure();
        assertNotNull(failure, "the start should have failed");
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Test
    void resourceWhenIssuerAndAudienceThenAVerifierAndItsJwtDecoderAndBootsDecoderBacksOff() {
        runner.withPropertyValues(RESOURCE).run(context -> {
            assertNull(context.getStartupFailure());
            assertEquals(1, context.getBeansOfType(AccessTokenVerifier.class).size());
            Map<String, JwtDecoder> decoders = context.getBeansOfType(JwtDecoder.class);
            assertEquals(1, decoders.size(), decoders.toString());
            assertInstanceOf(KeycardJwtDecoder.class, decoders.values().iterator().next());
        });
    }

    @Test
    void resourceWhenNoIssuerThenNothing() {
        runner.run(context -> {
            assertTrue(context.getBeansOfType(AccessTokenVerifier.class).isEmpty());
            assertTrue(context.getBeansOfType(JwtDecoder.class).isEmpty());
            assertTrue(context.getBeansOfType(KeycardClients.class).isEmpty());
        });
    }

    @Test
    void resourceWhenTheApplicationHasItsOwnDecoderThenItIsKept() {
        JwtDecoder own = token -> Jwt.withTokenValue(token).header("alg", "none").claim("sub", "x").build();
        runner.withPropertyValues(RESOURCE).withBean(JwtDecoder.class, () -> own).run(context -> {
            assertSame(own, context.getBean(JwtDecoder.class));
            assertEquals(1, context.getBeansOfType(AccessTokenVerifier.class).size());
        });
    }

    @Test
    void resourceWhenAPropertyIsMissingOrInvalidThenTheStartFailsNamingIt() {
        runner.withPropertyValues("keycard.resource.issuer=https://keycard.internal").run(context ->
                assertTrue(failure(context).contains("keycard.resource.audience"), failure(context)));
        runner.withPropertyValues("keycard.resource.issuer=keycard.internal", "keycard.resource.audience=https://x")
                .run(context -> assertTrue(failure(context).contains("keycard.resource.issuer"), failure(context)));
        runner.withPropertyValues(RESOURCE).withPropertyValues("keycard.resource.revocation-events.client-id=jobs-api")
                .run(context -> assertTrue(failure(context).contains("keycard.resource.revocation-events.client-secret"),
                        failure(context)));
        runner.withPropertyValues(RESOURCE).withPropertyValues("keycard.resource.algorithms=HS256")
                .run(context -> assertTrue(failure(context).contains("keycard.resource"), failure(context)));
    }

    @Test
    void clientWhenARegistrationThenATokenSourceByItsName() {
        runner.withPropertyValues(CLIENT).run(context -> {
            assertNull(context.getStartupFailure());
            KeycardClients clients = context.getBean(KeycardClients.class);
            assertEquals(Set.of("jobs"), clients.registrations());
            assertNotNull(clients.tokenSource("jobs"));
            assertTrue(context.getBeansOfType(JwtDecoder.class).isEmpty(), "a client alone gets no decoder");
        });
    }

    @Test
    void clientWhenTheApplicationHasItsOwnThenItIsKept() {
        KeycardClients own = new KeycardClients(Map.of());
        runner.withPropertyValues(CLIENT).withBean(KeycardClients.class, () -> own)
                .run(context -> assertSame(own, context.getBean(KeycardClients.class)));
    }

    @Test
    void clientWhenAPropertyIsMissingOrInConflictThenTheStartFailsNamingIt() {
        String at = "keycard.client.registration.jobs.";
        runner.withPropertyValues(at + "client-secret=kcs_x", "keycard.client.issuer=https://keycard.internal")
                .run(context -> assertTrue(failure(context).contains(at + "client-id"), failure(context)));
        runner.withPropertyValues(at + "client-id=w", "keycard.client.issuer=https://keycard.internal")
                .run(context -> assertTrue(failure(context).contains(at + "client-secret"), failure(context)));
        runner.withPropertyValues(at + "client-id=w", at + "client-secret=kcs_x")
                .run(context -> assertTrue(failure(context).contains(at + "issuer"), failure(context)));
        runner.withPropertyValues(CLIENT).withPropertyValues(at + "client-secret-env=JOBS_SECRET")
                .run(context -> assertTrue(failure(context).contains(at + "client-secret-env"), failure(context)));
        runner.withPropertyValues(CLIENT).withPropertyValues(at + "auth-method=private_key_jwt")
                .run(context -> assertTrue(failure(context).contains(at + "auth-method"), failure(context)));
        runner.withPropertyValues(CLIENT).withPropertyValues(at + "issuer=ftp://keycard.internal")
                .run(context -> assertTrue(failure(context).contains(at + "issuer"), failure(context)));
        runner.withPropertyValues(CLIENT).withPropertyValues(at + "resource=https://a", at + "audience=https://a")
                .run(context -> assertTrue(failure(context).contains(at + "audience"), failure(context)));
    }
}
