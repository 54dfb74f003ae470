package dev.keycard.server.token;

import static dev.keycard.server.testing.TestApis.JOBS;
import static dev.keycard.server.testing.TestApis.REPORTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.FormCodec;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.OAuthException;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.client.AuthenticatedClient;
import dev.keycard.server.issue.TokenDecision;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.Registry;
import dev.keycard.server.testing.TestApis;
import dev.keycard.server.testing.TestClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client credentials grant's rules (RFC 6749 §4.4, RFC 8707), on values in memory: which API
 * a request targets, which scopes it gets, how long the token lives, and each refusal's error.
 */
class ClientCredentialsGrantTest {

    static final Api JOBS_API = TestApis.jobs().build();
    static final Api REPORTS_API = TestApis.reports().lifetime(Duration.ofHours(2)).build();
    static final Api DISABLED = TestApis.api("https://old.internal").scopes("old:read").disabled().build();
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    static TokenDecision decide(Client client, String form) {
        return decide(client, form, List.of(JOBS_API, REPORTS_API, DISABLED), Duration.ofHours(1));
    }

    static TokenDecision decide(Client client, String form, List<Api> apis, Duration maxLifetime) {
        Registry registry = TestApis.registry(apis, List.of(client));
        ClientCredentialsGrant grant = new ClientCredentialsGrant(registry, maxLifetime);
        return grant.decide(new TokenRequest(FormCodec.decode(("grant_type=client_credentials" + form)
                .getBytes(StandardCharsets.UTF_8)), new AuthenticatedClient(client, ClientAuthMethod.CLIENT_SECRET_BASIC,
                "sec_1"), NOW));
    }

    static OAuthError refused(Client client, String form) {
        return assertThrows(OAuthException.class, () -> decide(client, form)).error().error();
    }

    @Test
    void decideWhenNoScopeThenEveryScopeGrantedAtTheOnlyGrantedApi() {
        TokenDecision d = decide(TestClients.batchWorker().grant(JOBS, "jobs:read", "jobs:write").build(), "");
        assertSame(JOBS_API, d.api());
        assertEquals(ScopeSet.of("jobs:read", "jobs:write"), d.scopes());
        assertEquals(Duration.ofMinutes(5), d.lifetime(), "the API's lifetime");
    }

    @Test
    void decideWhenScopeThenExactlyThoseScopes() {
        TokenDecision d = decide(TestClients.batchWorker().grant(JOBS, "jobs:read", "jobs:write").build(),
                "&scope=jobs:read");
        assertEquals(ScopeSet.of("jobs:read"), d.scopes());
    }

    @Test
    void decideWhenResourceOrAudienceThenThatApi() {
        Client client = TestClients.batchWorker().grant(JOBS, "jobs:read").grant(REPORTS, "reports:read").build();
        assertSame(REPORTS_API, decide(client, "&resource=" + REPORTS).api());
        assertSame(JOBS_API, decide(client, "&audience=" + JOBS).api());
        assertSame(JOBS_API, decide(client, "&resource=" + JOBS + "&audience=" + JOBS).api(), "the same API twice");
    }

    @Test
    void decideWhenNoResourceThenTheDefaultApiBeforeTheOnlyGrant() {
        Client client = TestClients.batchWorker().grant(JOBS, "jobs:read").grant(REPORTS, "reports:read")
                .defaultApi(REPORTS).build();
        assertSame(REPORTS_API, decide(client, "").api());
    }

    @Test
    void decideWhenNoResourceNoDefaultAndSeveralGrantsThenInvalidTarget() {
        Client client = TestClients.batchWorker().grant(JOBS, "jobs:read").grant(REPORTS, "reports:read").build();
        assertEquals(OAuthError.INVALID_TARGET, refused(client, ""));
    }

    @Test
    void decideWhenTwoDifferentApisThenInvalidTarget() {
        Client client = TestClients.batchWorker().grant(JOBS, "jobs:read").grant(REPORTS, "reports:read").build();
        assertEquals(OAuthError.INVALID_TARGET, refused(client, "&resource=" + JOBS + "&resource=" + REPORTS));
        assertEquals(OAuthError.INVALID_TARGET, refused(client, "&resource=" + JOBS + "&audience=" + REPORTS));
    }

    @Test
    void decideWhenResourceNotAnAbsoluteUriWithoutFragmentThenInvalidTarget() {
        Client client = TestClients.batchWorker().grant(JOBS, "jobs:read").build();
        assertEquals(OAuthError.INVALID_TARGET, refused(client, "&resource=jobs"));
        assertEquals(OAuthError.INVALID_TARGET, refused(client, "&resource=" + JOBS + "%23part"));
    }

    @Test
    void decideWhenApiUnknownDisabledOrNotGrantedThenInvalidTarget() {
        Client client = TestClients.batchWorker().grant(JOBS, "jobs:read").grant(DISABLED.identifier(), "old:read")
                .build();
        assertEquals(OAuthError.INVALID_TARGET, refused(client, "&resource=https://unknown.internal"));
        assertEquals(OAuthError.INVALID_TARGET, refused(client, "&resource=" + DISABLED.identifier()));
        assertEquals(OAuthError.INVALID_TARGET, refused(client, "&resource=" + REPORTS));
    }

    @Test
    void decideWhenDefaultApiNotGrantedThenInvalidTarget() {
        Client client = TestClients.batchWorker().grant(JOBS, "jobs:read").defaultApi(REPORTS).build();
        assertEquals(OAuthError.INVALID_TARGET, refused(client, ""));
    }

    @Test
    void decideWhenScopeNotDefinedByTheApiThenInvalidScope() {
        Client client = TestClients.batchWorker().grant(JOBS, "jobs:read").build();
        assertEquals(OAuthError.INVALID_SCOPE, refused(client, "&scope=jobs:delete"));
    }

    @Test
    void decideWhenScopeNotGrantedThenInvalidScopeNeverNarrowed() {
        Client client = TestClients.batchWorker().grant(JOBS, "jobs:read").build();
        assertEquals(OAuthError.INVALID_SCOPE, refused(client, "&scope=jobs:read%20jobs:write"));
    }

    @Test
    void decideWhenScopeMalformedThenInvalidScope() {
        Client client = TestClients.batchWorker().grant(JOBS, "jobs:read").build();
        assertEquals(OAuthError.INVALID_SCOPE, refused(client, "&scope=jobs:read%20%20jobs:write"));
        assertEquals(OAuthError.INVALID_SCOPE, refused(client, "&scope=%22quoted%22"));
    }

    @Test
    void decideWhenClientLacksTheGrantTypeThenUnauthorizedClient() {
        Client client = TestClients.batchWorker().grant(JOBS, "jobs:read").grantTypes().build();
        assertEquals(OAuthError.UNAUTHORIZED_CLIENT, refused(client, ""));
        Client other = TestClients.batchWorker().grant(JOBS, "jobs:read")
                .grantTypes(new GrantType("urn:ietf:params:oauth:grant-type:jwt-bearer")).build();
        assertEquals(OAuthError.UNAUTHORIZED_CLIENT, refused(other, ""));
    }

    @Test
    void decideWhenApiLifetimeLongerThanMaximumThenCapped() {
        Client client = TestClients.batchWorker().grant(REPORTS, "reports:read").build();
        assertEquals(Duration.ofHours(1), decide(client, "", List.of(REPORTS_API), Duration.ofHours(1)).lifetime());
        assertEquals(Duration.ofHours(2), decide(client, "", List.of(REPORTS_API), Duration.ofHours(3)).lifetime());
    }

    @Test
    void decideWhenGrantHasNoScopesThenNoScopes() {
        Api bare = TestApis.api("https://bare.internal").build();
        Client client = TestClients.batchWorker().grant(bare.identifier()).build();
        TokenDecision d = decide(client, "", List.of(bare), Duration.ofHours(1));
        assertEquals(ScopeSet.empty(), d.scopes());
    }
}
