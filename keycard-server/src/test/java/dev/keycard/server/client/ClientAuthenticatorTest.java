package dev.keycard.server.client;

import static dev.keycard.server.testing.TestApis.JOBS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.Form;
import dev.keycard.protocol.FormCodec;
import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.OAuthException;
import dev.keycard.server.event.Audit;
import dev.keycard.server.event.AuditEvent;
import dev.keycard.server.event.ClientAuthEvents;
import dev.keycard.server.event.Metrics;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.Registry;
import dev.keycard.server.testing.TestApis;
import dev.keycard.server.testing.TestClients;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Client authentication (RFC 6749 §2.3): exactly one of HTTP Basic and client_secret_post, and
 * every reason credentials fail, on values in memory.
 */
class ClientAuthenticatorTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final String SOURCE = "192.0.2.7";

    final List<AuditEvent> audited = new ArrayList<>();
    final Audit audit = new Audit(audited::addAll, Clock.fixed(NOW, ZoneOffset.UTC));
    final Metrics metrics = new Metrics(false);
    final SecretUsage usage = new SecretUsage();

    final ClientKeySets keySets = new ClientKeySets(Duration.ofSeconds(1), 65536, Duration.ofSeconds(30));
    final java.util.Set<String> spent = new java.util.HashSet<>();

    @AfterEach
    void close() {
        keySets.close();
        audit.close();
        metrics.close();
    }

    ClientAuthenticator authenticator(Client... clients) {
        Registry registry = TestApis.registry(List.of(TestApis.jobs().build()), List.of(clients));
        return new ClientAuthenticator(registry, usage, new ClientAuthEvents(metrics, audit),
                new AuthThrottle(5, Duration.ofMinutes(5)), ClientAssertionsTest.assertions(registry, keySets,
                        (client, jti, exp) -> java.util.concurrent.CompletableFuture.completedFuture(spent.add(client + " " + jti))));
    }

    static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((FormCodec.encodeComponent(id) + ":"
                + FormCodec.encodeComponent(secret)).getBytes(StandardCharsets.UTF_8));
    }

    static Form form(String text) {
        return FormCodec.decode(text.getBytes(StandardCharsets.UTF_8));
    }

    static OAuthError refused(ClientAuthenticator a, String authorization, String form) {
        return assertThrows(OAuthException.class, () -> a.authenticate(authorization, form(form), SOURCE, NOW))
                .error().error();
    }

    final Client worker = TestClients.batchWorker().grant(JOBS, "jobs:read").build();

    @Test
    void authenticateWhenBasicThenClientAndSecretUseNoted() {
        AuthenticatedClient who = authenticator(worker).authenticate(basic("batch-worker", TestClients.SECRET),
                form("grant_type=client_credentials"), SOURCE, NOW);
        assertEquals(worker, who.client());
        assertEquals(ClientAuthMethod.CLIENT_SECRET_BASIC, who.method());
        assertEquals(NOW, usage.drain(NOW, Integer.MAX_VALUE).get(who.credentialId()));
    }

    @Test
    void authenticateWhenPostThenClient() {
        AuthenticatedClient who = authenticator(worker).authenticate(null,
                form("client_id=batch-worker&client_secret=" + FormCodec.encodeComponent(TestClients.SECRET)), SOURCE, NOW);
        assertEquals(ClientAuthMethod.CLIENT_SECRET_POST, who.method());
    }

    @Test
    void authenticateWhenBasicAndMatchingBodyClientIdThenClient() {
        AuthenticatedClient who = authenticator(worker).authenticate(basic("batch-worker", TestClients.SECRET),
                form("client_id=batch-worker"), SOURCE, NOW);
        assertEquals(worker, who.client());
    }

    @Test
    void authenticateWhenTwoMethodsOrTwoClientIdsThenInvalidRequest() {
        ClientAuthenticator a = authenticator(worker);
        assertEquals(OAuthError.INVALID_REQUEST, refused(a, basic("batch-worker", TestClients.SECRET),
                "client_secret=" + TestClients.SECRET));
        assertEquals(OAuthError.INVALID_REQUEST, refused(a, basic("batch-worker", TestClients.SECRET),
                "client_id=someone-else"));
    }

    @Test
    void authenticateWhenBasicMalformedThenInvalidRequestAndOtherSchemeInvalidClient() {
        ClientAuthenticator a = authenticator(worker);
        assertEquals(OAuthError.INVALID_REQUEST, refused(a, "Basic", ""));
        assertEquals(OAuthError.INVALID_REQUEST, refused(a, "Basic !!!", ""));
        assertEquals(OAuthError.INVALID_REQUEST, refused(a, "Basic " + Base64.getEncoder().encodeToString(
                "no-colon".getBytes(StandardCharsets.UTF_8)), ""));
        assertEquals(OAuthError.INVALID_REQUEST, refused(a, "Basic " + Base64.getEncoder().encodeToString(
                "batch-worker:".getBytes(StandardCharsets.UTF_8)), ""), "an empty secret");
        assertEquals(OAuthError.INVALID_CLIENT, refused(a, "Bearer abc", ""));
    }

    @Test
    void authenticateWhenNoCredentialsOrIdWithoutSecretThenInvalidClient() {
        ClientAuthenticator a = authenticator(worker);
        assertEquals(OAuthError.INVALID_CLIENT, refused(a, null, "grant_type=client_credentials"));
        assertEquals(OAuthError.INVALID_CLIENT, refused(a, null, "client_id=batch-worker"));
    }

    @Test
    void authenticateWhenCredentialsFailThenOneInvalidClientAndEachReasonAudited() {
        Client disabled = TestClients.client("disabled").grant(JOBS, "jobs:read").disabled().build();
        Client postOnly = TestClients.client("post-only").methods(ClientAuthMethod.CLIENT_SECRET_POST).build();
        Client expired = TestClients.client("expired").onlySecret("kcs_new-secret-0123456789abcdefghijklmnopq")
                .replacedSecret(TestClients.SECRET, NOW.minusSeconds(1)).build();
        ClientAuthenticator a = authenticator(worker, disabled, postOnly, expired);
        assertEquals(OAuthError.INVALID_CLIENT, refused(a, basic("nobody", TestClients.SECRET), ""));
        assertEquals(OAuthError.INVALID_CLIENT, refused(a, basic("batch-worker", "kcs_wrong"), ""));
        assertEquals(OAuthError.INVALID_CLIENT, refused(a, basic("disabled", TestClients.SECRET), ""));
        assertEquals(OAuthError.INVALID_CLIENT, refused(a, basic("post-only", TestClients.SECRET), ""));
        assertEquals(OAuthError.INVALID_CLIENT, refused(a, basic("expired", TestClients.SECRET), ""));
        audit.close(); // flushes
        assertEquals(List.of("unknown_client", "wrong_secret", "disabled", "method_not_allowed", "expired_secret"),
                audited.stream().filter(e -> e.type().equals("client.auth_failed"))
                        .map(e -> String.valueOf(e.details().get("reason"))).toList());
        assertTrue(audited.stream().noneMatch(e -> e.toString().contains(TestClients.SECRET)), "no secret audited");
    }

    @Test
    void authenticateWhenReplacedSecretInGraceThenClientAndUseAudited() {
        Client rotated = TestClients.client("rotated").onlySecret("kcs_new-secret-0123456789abcdefghijklmnopq")
                .replacedSecret(TestClients.SECRET, NOW.plusSeconds(60)).build();
        ClientAuthenticator a = authenticator(rotated);
        assertEquals(rotated, a.authenticate(basic("rotated", TestClients.SECRET), form(""), SOURCE, NOW).client());
        audit.close();
        assertTrue(audited.stream().anyMatch(e -> e.type().equals("secret.grace_use")), audited.toString());
    }

    @Test
    void authenticateWhenSourceFailedPastFreeFailuresThenTooManyRequests() {
        ClientAuthenticator a = authenticator(worker);
        for (int i = 0; i < 6; i++) { // five free failures, then the source backs off
            assertEquals(OAuthError.INVALID_CLIENT, refused(a, basic("nobody-" + i, "kcs_wrong"), ""));
        }
        OAuthException wait = assertThrows(OAuthException.class,
                () -> a.authenticate(basic("batch-worker", TestClients.SECRET), form(""), SOURCE, NOW));
        assertEquals(OAuthError.TOO_MANY_REQUESTS, wait.error().error());
        assertTrue(wait.error().retryAfterSeconds() > 0);
    }
}
