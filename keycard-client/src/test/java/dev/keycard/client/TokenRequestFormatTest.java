package dev.keycard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.client.StubServer.Response;
import dev.keycard.protocol.ClientAuthMethod;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The request on the wire (RFC 6749 §2.3.1, §4.4.2, RFC 8707), discovery (RFC 8414) and the answer (§5.1). */
@Timeout(60)
class TokenRequestFormatTest {

    StubServer stub;
    MutableClock clock = new MutableClock();

    @BeforeEach
    void start() throws Exception {
        stub = StubServer.start();
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    @Test
    void tokenWhenBasicThenIdAndSecretFormEncodedBeforeBase64() {
        stub.script(Response.token("t1", 600));
        TestSources.stub(stub, clock).clientId("team:svc").clientSecret("a b+c%/:é")
                .scopes("jobs:write", "jobs:read").resource("https://jobs.internal").build().token();

        StubServer.Request r = stub.requests().get(0);
        assertEquals("POST", r.method());
        assertEquals("application/x-www-form-urlencoded", r.header("Content-Type"));
        assertEquals("team%3Asvc:a+b%2Bc%25%2F%3A%C3%A9", r.basic());
        assertEquals("grant_type=client_credentials&scope=jobs%3Aread+jobs%3Awrite&resource=https%3A%2F%2Fjobs.internal", r.body());
    }

    @Test
    void tokenWhenPostThenCredentialsInBodyAndNoAuthorization() {
        stub.script(Response.token("t1", 600));
        TestSources.stub(stub, clock).authMethod(ClientAuthMethod.CLIENT_SECRET_POST).audience("https://jobs.internal")
                .build().token();

        StubServer.Request r = stub.requests().get(0);
        assertNull(r.header("Authorization"));
        assertEquals("grant_type=client_credentials&audience=https%3A%2F%2Fjobs.internal&client_id=svc&client_secret="
                + TestSources.SECRET, r.body());
    }

    @Test
    void dpopWhenTheServerAnswersABearerTokenThenItIsNotUsed() {
        stub.respond(r -> Response.token("unbound", 600));
        ClientCredentialsTokenSource tokens = TestSources.stub(stub, clock).dpop().build();
        KeycardClientException e = assertThrows(KeycardClientException.class, tokens::token);
        assertTrue(e.getMessage().contains("not DPoP"), e.getMessage());
        assertTrue(stub.requests().get(0).header("DPoP") != null, "the request carried a proof");
    }

    @Test
    void tokenWhenScopesAndTargetPerCallThenCachedApart() {
        stub.respond(r -> Response.token("t" + stub.count(), 600));
        ClientCredentialsTokenSource tokens = TestSources.stub(stub, clock).build();

        AccessToken a = tokens.token(List.of("b", "a"), "https://one.internal");
        AccessToken b = tokens.token(List.of("a", "b"), "https://one.internal");
        AccessToken c = tokens.token(List.of("a"), null);

        assertEquals(a, b);
        assertEquals("t2", c.value());
        assertEquals("grant_type=client_credentials&scope=a", stub.requests().get(1).body());
        assertEquals(Set.of("a", "b"), a.scopes());
    }

    @Test
    void tokenWhenResponseOmitsExpiresInAndScopeThenFiveMinutesAndRequestedScopes() {
        stub.script(Response.json(200, "{\"access_token\":\"t1\",\"token_type\":\"bearer\"}"));

        AccessToken t = TestSources.stub(stub, clock).scopes("jobs:read").build().token();

        assertEquals(clock.instant().plus(Duration.ofMinutes(5)), t.expiresAt());
        assertEquals(Set.of("jobs:read"), t.scopes());
        assertEquals("Bearer", t.tokenType());
    }

    @Test
    void tokenWhenResponseNamesScopeAndExpiresInAsStringThenBothRead() {
        stub.script(Response.json(200, "{\"access_token\":\"t1\",\"token_type\":\"Bearer\",\"expires_in\":\"900\",\"scope\":\"x y\"}"));

        AccessToken t = TestSources.stub(stub, clock).scopes("x", "y", "z").build().token();

        assertEquals(clock.instant().plusSeconds(900), t.expiresAt());
        assertEquals(Set.of("x", "y"), t.scopes());
    }

    @Test
    void tokenWhenTokenTypeNotBearerThenFailsWithoutRetry() {
        stub.script(Response.json(200, "{\"access_token\":\"t1\",\"token_type\":\"mac\",\"expires_in\":60}"));

        KeycardClientException e = assertThrows(KeycardClientException.class, () -> TestSources.stub(stub, clock).build().token());

        assertEquals(1, stub.count());
        assertTrue(e.getMessage().contains("token_type 'mac', not Bearer"), e.getMessage());
    }

    @Test
    void tokenWhenIssuerWithPathThenMetadataAtWellKnownBeforePathAndFetchedOnce() {
        String issuer = stub.base() + "/tenants/a";
        stub.respond(r -> r.path().startsWith("/.well-known/")
                ? Response.json(200, "{\"issuer\":\"" + issuer + "\",\"token_endpoint\":\"" + stub.base() + "/t/token\"}")
                : Response.token("t" + stub.count(), 600));
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder().issuer(URI.create(issuer)).clientId("svc").clientSecret("s").clock(clock).build();

        tokens.token();
        tokens.invalidate();
        tokens.token();

        assertEquals(List.of("/.well-known/oauth-authorization-server/tenants/a", "/t/token", "/t/token"),
                stub.requests().stream().map(StubServer.Request::path).toList());
    }

    @Test
    void tokenWhenMetadataNamesAnotherIssuerThenFailsCitingRfc8414() {
        stub.script(Response.json(200, "{\"issuer\":\"https://evil.example\",\"token_endpoint\":\"https://evil.example/token\"}"));
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder().issuer(URI.create(stub.base()))
                .clientId("svc").clientSecret("s").build();

        KeycardClientException e = assertThrows(KeycardClientException.class, tokens::token);

        assertEquals(1, stub.count());
        assertTrue(e.getMessage().contains("names issuer 'https://evil.example', expected '" + stub.base() + "' (RFC 8414 §3.3)"),
                e.getMessage());
    }

    @Test
    void tokenWhenMetadataUnavailableThenRetriedLikeTokenRequest() {
        stub.respond(r -> !r.path().startsWith("/.well-known/") ? Response.token("t1", 600)
                : stub.count() == 1 ? Response.json(503, "")
                : Response.json(200, "{\"issuer\":\"" + stub.base() + "\",\"token_endpoint\":\"" + stub.base() + "/token\"}"));
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder().issuer(URI.create(stub.base()))
                .clientId("svc").clientSecret("s").initialBackoff(Duration.ofMillis(10)).build();

        assertEquals("t1", tokens.token().value());
        assertEquals(3, stub.count());
    }

    @Test
    void invalidateWhenTokenAlreadyReplacedThenNoSecondRefresh() {
        stub.respond(r -> Response.token("t" + stub.count(), 600));
        ClientCredentialsTokenSource tokens = TestSources.stub(stub, clock).build();
        AccessToken t1 = tokens.token();

        tokens.invalidate(t1);
        AccessToken t2 = tokens.token();
        tokens.invalidate(t1);

        assertEquals("t2", t2.value());
        assertEquals(t2, tokens.token());
        assertEquals(2, stub.count());
    }

    @Test
    void tokenAsyncWhenCachedThenCompletedWithoutRequest() throws Exception {
        stub.script(Response.token("t1", 600));
        ClientCredentialsTokenSource tokens = TestSources.stub(stub, clock).build();

        assertEquals("t1", tokens.tokenAsync().get().value());
        assertTrue(tokens.tokenAsync().isDone());
        assertEquals(1, stub.count());
    }
}
