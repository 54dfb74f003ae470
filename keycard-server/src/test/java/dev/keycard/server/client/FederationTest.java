package dev.keycard.server.client;

import static dev.keycard.server.testing.TestApis.JOBS;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.FederatedIdentity;
import dev.keycard.server.registry.Registry;
import dev.keycard.server.registry.TrustSource;
import dev.keycard.server.testing.TestApis;
import dev.keycard.server.testing.TestClients;
import dev.keycard.server.testing.TestIssuer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Workload identity federation's rules: a local issuer serving discovery and a JWK Set issues
 * Kubernetes-, GitHub- and SPIFFE-shaped tokens; the right subject becomes its client, and each
 * wrong token is refused for its own reason. Real HTTP to the issuer, no store.
 */
class FederationTest {

    static final String KEYCARD = ClientAssertionsTest.ISSUER;
    static final String K8S_SUBJECT = "system:serviceaccount:payments:batch-worker";
    static final String GITHUB_SUBJECT = "repo:acme/jobs:ref:refs/heads/main";
    static final String SPIFFE_ID = "spiffe://prod.acme/ns/payments/sa/batch-worker";

    final TestIssuer issuer = new TestIssuer();
    final ClientKeySets keySets = new ClientKeySets(Duration.ofSeconds(2), 65536, Duration.ofSeconds(30), true);

    @AfterEach
    void close() {
        keySets.close();
        issuer.close();
    }

    static TrustSource source(String name, TrustSource.Kind kind, String iss, TrustSource.Keys keys,
                              Optional<String> audience, Duration lifetime) {
        return new TrustSource(name, kind, iss, keys, audience, lifetime, Instant.EPOCH);
    }

    static Client client(String id, FederatedIdentity... identities) {
        return TestClients.client(id).grant(JOBS, "jobs:read").build().withIdentities(List.of(identities));
    }

    static FederatedIdentity identity(String source, String subject, Map<String, String> claims) {
        return new FederatedIdentity("fi_" + subject.hashCode(), source, subject, claims, Instant.EPOCH);
    }

    ClientAssertions pipeline(List<TrustSource> sources, Client... clients) {
        return pipeline(registry(sources, clients));
    }

    static Registry registry(List<TrustSource> sources, Client... clients) {
        Registry registry = TestApis.registry(List.of(TestApis.jobs().build()), List.of(clients));
        registry.replaceTrustSources(sources);
        return registry;
    }

    ClientAssertions pipeline(Registry registry) {
        return ClientAssertionsTest.assertions(registry, keySets, (c, jti, exp) -> {
            throw new AssertionError("a federated token's jti is not spent");
        });
    }

    /** Kubernetes-shaped: keys given inline (a private cluster's), audience dedicated to Keycard. */
    ClientAssertions kubernetes(Client... clients) {
        return pipeline(List.of(source("cluster", TrustSource.Kind.KUBERNETES, issuer.url(),
                TrustSource.Keys.inline(issuer.jwks()), Optional.of("keycard"), Duration.ofHours(1))), clients);
    }

    /** GitHub-shaped: keys by discovery, audience Keycard's issuer identifier, 15 minutes at most. */
    ClientAssertions github(Client... clients) {
        return pipeline(List.of(source("github-actions", TrustSource.Kind.GITHUB_ACTIONS, issuer.url(),
                TrustSource.Keys.discovered(), Optional.empty(), Duration.ofMinutes(15))), clients);
    }

    Client verify(ClientAssertions pipeline, String type, String token) throws ClientAssertions.Refused {
        return verify(pipeline, type, token, Instant.now());
    }

    Client verify(ClientAssertions pipeline, String type, String token, Instant now) throws ClientAssertions.Refused {
        ClientAssertions.Parsed parsed = pipeline.parse(type, token);
        ClientAssertions.Checking checking = pipeline.verify(parsed, now);
        try {
            checking.verified().join();
            return checking.client();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ClientAssertions.Refused r) {
                throw r;
            }
            throw e;
        }
    }

    String refusal(ClientAssertions pipeline, String token) {
        return refusal(pipeline, ClientAssertions.JWT_BEARER, token);
    }

    String refusal(ClientAssertions pipeline, String type, String token) {
        return assertThrows(ClientAssertions.Refused.class, () -> verify(pipeline, type, token)).reason;
    }

    @Test
    void verifyWhenAKubernetesTokenNamesARegisteredServiceAccountThenItsClientIsAuthenticated() throws Exception {
        ClientAssertions p = kubernetes(client("payments-batch", identity("cluster", K8S_SUBJECT, Map.of())),
                client("other", identity("cluster", "system:serviceaccount:payments:other", Map.of())));
        Client c = verify(p, ClientAssertions.JWT_BEARER, issuer.token(K8S_SUBJECT, "keycard", b -> b));
        assertEquals("payments-batch", c.id().value());
        // The same token again: a platform token is reused for its whole life, its jti not spent.
        String token = issuer.token(K8S_SUBJECT, "keycard", b -> b.jwtID("same"));
        verify(p, ClientAssertions.JWT_BEARER, token);
        assertEquals("payments-batch", verify(p, ClientAssertions.JWT_BEARER, token).id().value());
    }

    @Test
    void verifyWhenAGithubTokenMatchesItsSubjectAndClaimConditionsThenItsClientIsAuthenticatedByDiscoveredKeys()
            throws Exception {
        ClientAssertions p = github(client("jobs-deploy", identity("github-actions", GITHUB_SUBJECT,
                Map.of("repository_id", "123456", "environment", "production"))));
        String token = issuer.token(GITHUB_SUBJECT, KEYCARD,
                b -> b.claim("repository_id", "123456").claim("environment", "production"));
        assertEquals("jobs-deploy", verify(p, ClientAssertions.JWT_BEARER, token).id().value());
    }

    @Test
    void verifyWhenAGithubTokenFailsAClaimConditionThenRefused() {
        ClientAssertions p = github(client("jobs-deploy", identity("github-actions", GITHUB_SUBJECT,
                Map.of("repository_id", "123456"))));
        assertEquals("claim_mismatch", refusal(p, issuer.token(GITHUB_SUBJECT, KEYCARD,
                b -> b.claim("repository_id", "999999"))));
        assertEquals("claim_mismatch", refusal(p, issuer.token(GITHUB_SUBJECT, KEYCARD, b -> b)));
    }

    @Test
    void verifyWhenASpiffeJwtSvidComesFromItsTrustDomainsBundleThenItsClientIsAuthenticated() throws Exception {
        issuer.asSpiffeBundle();
        ClientAssertions p = pipeline(List.of(source("prod.acme", TrustSource.Kind.SPIFFE, "spiffe://prod.acme",
                TrustSource.Keys.at(URI.create(issuer.jwksUri())), Optional.empty(), Duration.ofMinutes(30))),
                client("payments-batch", identity("prod.acme", SPIFFE_ID, Map.of())));
        // A JWT-SVID need not name an issuer: its SPIFFE ID's trust domain picks the trust source.
        String svid = issuer.token(SPIFFE_ID, KEYCARD, b -> b.issuer(null).issueTime(null).notBeforeTime(null));
        assertEquals("payments-batch", verify(p, ClientAssertions.JWT_SPIFFE, svid).id().value());
        assertEquals("unsupported_assertion_type", refusal(p, ClientAssertions.JWT_BEARER,
                issuer.token(SPIFFE_ID, KEYCARD, b -> b.issuer("spiffe://prod.acme"))));
        assertEquals("unknown_issuer", refusal(p, ClientAssertions.JWT_SPIFFE,
                issuer.token("spiffe://staging.acme/ns/payments/sa/batch-worker", KEYCARD, b -> b)));
    }

    @Test
    void verifyWhenTheAudienceIsAnotherServicesThenRefused() {
        ClientAssertions p = kubernetes(client("payments-batch", identity("cluster", K8S_SUBJECT, Map.of())));
        assertEquals("wrong_audience", refusal(p, issuer.token(K8S_SUBJECT, "https://kubernetes.default.svc", b -> b)));
        // The default audience is Keycard's issuer identifier only where the trust source names none.
        assertEquals("wrong_audience", refusal(p, issuer.token(K8S_SUBJECT, KEYCARD, b -> b)));
    }

    @Test
    void verifyWhenTheSubjectIsUnknownThenRefused() {
        ClientAssertions p = kubernetes(client("payments-batch", identity("cluster", K8S_SUBJECT, Map.of())));
        assertEquals("unknown_subject", refusal(p, issuer.token("system:serviceaccount:payments:intruder", "keycard",
                b -> b)));
        // A subject differing only in case is another subject.
        assertEquals("unknown_subject", refusal(p, issuer.token(K8S_SUBJECT.toUpperCase(), "keycard", b -> b)));
    }

    @Test
    void verifyWhenTheTokenIsOlderThanTheTrustSourceAcceptsThenRefusedWhateverItsExp() {
        ClientAssertions p = github(client("jobs-deploy", identity("github-actions", GITHUB_SUBJECT, Map.of())));
        Instant now = Instant.now();
        assertEquals("assertion_lifetime", refusal(p, issuer.token(GITHUB_SUBJECT, KEYCARD,
                b -> b.issueTime(Date.from(now.minus(Duration.ofMinutes(20)))).notBeforeTime(null)
                        .expirationTime(Date.from(now.plusSeconds(60))))));
        assertEquals("assertion_lifetime", refusal(p, issuer.token(GITHUB_SUBJECT, KEYCARD,
                b -> b.issueTime(null).notBeforeTime(Date.from(now.minus(Duration.ofMinutes(16)))))));
        assertEquals("assertion_lifetime", refusal(p, issuer.token(GITHUB_SUBJECT, KEYCARD,
                b -> b.issueTime(null).notBeforeTime(null).expirationTime(Date.from(now.plus(Duration.ofHours(2)))))));
        // GitHub's shape: issued for six hours, nbf five minutes back, used at once: accepted.
        assertEquals("jobs-deploy", assertDoesNotThrow(() -> verify(p, ClientAssertions.JWT_BEARER,
                issuer.token(GITHUB_SUBJECT, KEYCARD, b -> b.notBeforeTime(Date.from(now.minusSeconds(300)))
                        .expirationTime(Date.from(now.plus(Duration.ofHours(6))))))).id().value());
        assertEquals("expired_assertion", refusal(p, issuer.token(GITHUB_SUBJECT, KEYCARD,
                b -> b.issueTime(Date.from(now.minusSeconds(300))).expirationTime(Date.from(now.minusSeconds(120))))));
        assertEquals("malformed_assertion", refusal(p, issuer.token(GITHUB_SUBJECT, KEYCARD,
                b -> b.expirationTime(null))));
    }

    @Test
    void verifyWhenDiscoveryNamesAnotherIssuerThenRefused() {
        issuer.discoveryNames("https://token.actions.githubusercontent.com");
        ClientAssertions p = github(client("jobs-deploy", identity("github-actions", GITHUB_SUBJECT, Map.of())));
        assertEquals("keys_unavailable", refusal(p, issuer.token(GITHUB_SUBJECT, KEYCARD, b -> b)));
    }

    @Test
    void verifyWhenSignedByAKeyTheIssuerDoesNotPublishOrWithAMacThenRefused() throws Exception {
        ClientAssertions p = github(client("jobs-deploy", identity("github-actions", GITHUB_SUBJECT, Map.of())));
        assertEquals("wrong_key", refusal(p, issuer.forged(GITHUB_SUBJECT, KEYCARD)));
        SignedJWT mac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .issuer(issuer.url()).subject(GITHUB_SUBJECT).audience(KEYCARD)
                .expirationTime(Date.from(Instant.now().plusSeconds(60))).build());
        mac.sign(new MACSigner(issuer.jwks().repeat(2)));
        assertEquals("algorithm_not_allowed", refusal(p, mac.serialize()));
    }

    @Test
    void verifyWhenTheClientIsDisabledThenRefused() {
        Client disabled = TestClients.client("jobs-deploy").grant(JOBS, "jobs:read").disabled().build()
                .withIdentities(List.of(identity("github-actions", GITHUB_SUBJECT, Map.of())));
        assertEquals("disabled", refusal(github(disabled), issuer.token(GITHUB_SUBJECT, KEYCARD, b -> b)));
    }

    @Test
    void verifyWhenAPlatformTokenIsPresentedAgainThenOnlyItsSignatureIsTakenAsCheckedAndEverythingElseAgain()
            throws Exception {
        TrustSource cluster = source("cluster", TrustSource.Kind.KUBERNETES, issuer.url(),
                TrustSource.Keys.inline(issuer.jwks()), Optional.of("keycard"), Duration.ofHours(1));
        Client worker = client("payments-batch", identity("cluster", K8S_SUBJECT, Map.of()));
        Registry registry = registry(List.of(cluster), worker);
        ClientAssertions p = pipeline(registry);
        // exp six hours out (as GitHub sets it): only the cap ends its use here.
        String token = issuer.token(K8S_SUBJECT, "keycard", b -> b.expirationTime(Date.from(Instant.now()
                .plus(Duration.ofHours(6)))));
        assertEquals("payments-batch", verify(p, ClientAssertions.JWT_BEARER, token).id().value());
        assertEquals("payments-batch", verify(p, ClientAssertions.JWT_BEARER, token).id().value());
        // Older than the cap: refused, verified signature or not.
        assertEquals("assertion_lifetime", assertThrows(ClientAssertions.Refused.class, () -> verify(p,
                ClientAssertions.JWT_BEARER, token, Instant.now().plus(Duration.ofMinutes(61)))).reason);
        // The trust source registered again with another key: the signature is checked anew.
        registry.replaceTrustSources(List.of(source("cluster", TrustSource.Kind.KUBERNETES, issuer.url(),
                TrustSource.Keys.inline(new com.nimbusds.jose.jwk.JWKSet(new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                        com.nimbusds.jose.jwk.Curve.P_256).keyID("other").generate()).toPublicJWKSet().toString()),
                Optional.of("keycard"), Duration.ofHours(1))));
        assertEquals("wrong_key", refusal(p, token));
        // Its identity removed from the client: refused.
        registry.replaceTrustSources(List.of(cluster));
        assertEquals("payments-batch", verify(p, ClientAssertions.JWT_BEARER, token).id().value());
        registry.apply(List.of(), List.of(), List.of(worker.withIdentities(List.of())), List.of());
        assertEquals("unknown_subject", refusal(p, token));
    }

    @Test
    void trustDomainWhenGivenASpiffeIdThenItsSchemeAndAuthority() {
        assertEquals("spiffe://prod.acme", ClientAssertions.trustDomain(SPIFFE_ID));
        assertEquals("", ClientAssertions.trustDomain("https://prod.acme/x"));
        assertTrue(ClientAssertions.trustDomain("spiffe://prod.acme").equals("spiffe://prod.acme"));
    }
}
