package dev.keycard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.keycard.client.AccessToken;
import dev.keycard.client.BearerHttpClient;
import dev.keycard.client.ClientCredentialsTokenSource;
import dev.keycard.resource.AccessTokenVerifier;
import dev.keycard.resource.DPoPNonces;
import dev.keycard.resource.DPoPProofVerifier;
import dev.keycard.server.testing.DPoPProofs;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keycard-client with {@code .dpop()} against Keycard requiring DPoP nonces and a jobs-api that
 * checks DPoP proofs with its own nonces: the calling code is the bearer code, unchanged, and
 * every call carries a proof (RFC 9449). The token copied out of the client is refused by the API
 * as Bearer and with a proof from another key.
 */
class DPoPClientTest {

    @TempDir
    Path dir;
    TestServer keycard;
    AccessTokenVerifier verifier;
    JobsApi api;
    String secret;

    @BeforeEach
    void start() {
        keycard = TestServer.start(dir, Map.of("dpop.nonce-required", "true"));
        Http http = new Http(keycard.baseUri());
        http.createApi(JobsApi.IDENTIFIER, "ES256", "jobs:read", "jobs:write");
        secret = http.createClient("batch-worker", JobsApi.IDENTIFIER, "jobs:read", "jobs:write").getString("client_secret");
        verifier = AccessTokenVerifier.builder().issuer(keycard.issuer()).audiences(JobsApi.IDENTIFIER).build();
        byte[] apiNonceKey = new byte[32];
        new SecureRandom().nextBytes(apiNonceKey);
        api = new JobsApi(verifier, DPoPProofVerifier.builder()
                .nonces(DPoPNonces.create(apiNonceKey, Duration.ofMinutes(1), Clock.systemUTC()), true).build());
    }

    @AfterEach
    void stop() {
        api.close();
        verifier.close();
        keycard.close();
    }

    /** What a service writes to call jobs-api, whether its tokens are bound or not. */
    static List<Integer> callJobsApi(HttpClient client, URI api) throws Exception {
        HttpResponse<String> list = client.send(HttpRequest.newBuilder(api.resolve("/jobs")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> done = client.send(HttpRequest.newBuilder(api.resolve("/jobs/1/complete"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        return List.of(list.statusCode(), done.statusCode());
    }

    @Test
    void dpopClientWhenCallingKeycardAndTheApiThenBoundTokensWorkWithTheSameCallingCode() throws Exception {
        api.add("nightly report");
        AtomicInteger tokenRequests = new AtomicInteger();
        HttpClient counting = new CountingClient(HttpClient.newHttpClient(), keycard.baseUri(), tokenRequests);
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder().issuer(URI.create(keycard.issuer()))
                .clientId("batch-worker").clientSecret(secret).resource(JobsApi.IDENTIFIER).httpClient(counting)
                .dpop().build();
        try (BearerHttpClient client = new BearerHttpClient(HttpClient.newHttpClient(), tokens)) {
            assertEquals(List.of(200, 200), callJobsApi(client, api.baseUri()));
        }
        AccessToken token = tokens.token();
        assertEquals("DPoP", token.tokenType());
        @SuppressWarnings("unchecked")
        Map<String, Object> cnf = (Map<String, Object>) SignedJWT.parse(token.value()).getJWTClaimsSet().getClaim("cnf");
        assertTrue(cnf.get("jkt") instanceof String, "cnf.jkt in " + cnf);
        assertEquals(2, tokenRequests.get(), "one token request answered use_dpop_nonce, then one with the nonce");

        // The token copied by someone without the key: refused as Bearer, and with their own proof.
        HttpClient thief = HttpClient.newHttpClient();
        HttpResponse<String> asBearer = thief.send(HttpRequest.newBuilder(api.baseUri().resolve("/jobs"))
                .header("Authorization", "Bearer " + token.value()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, asBearer.statusCode());
        String htu = api.baseUri().resolve("/jobs").toString();
        var otherKey = DPoPProofs.newKey();
        String proof = DPoPProofs.proof(otherKey, DPoPProofs.signer(otherKey), com.nimbusds.jose.JWSAlgorithm.ES256,
                "GET", htu, java.time.Instant.now(), h -> { }, c -> c.claim("ath", DPoPProofVerifier.tokenHash(token.value())));
        HttpResponse<String> withOtherKey = thief.send(HttpRequest.newBuilder(api.baseUri().resolve("/jobs"))
                .header("Authorization", "DPoP " + token.value()).header("DPoP", proof).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, withOtherKey.statusCode());
    }

    @Test
    void bearerClientWhenKeycardHasDPoPOnThenStillGetsBearerTokens() throws Exception {
        api.add("nightly report");
        ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder().issuer(URI.create(keycard.issuer()))
                .clientId("batch-worker").clientSecret(secret).resource(JobsApi.IDENTIFIER).build();
        try (BearerHttpClient client = new BearerHttpClient(HttpClient.newHttpClient(), tokens)) {
            assertEquals(List.of(200, 200), callJobsApi(client, api.baseUri()));
        }
        assertEquals("Bearer", tokens.token().tokenType());
    }

    /** Counts the requests to Keycard's token endpoint. */
    private static final class CountingClient extends HttpClient {
        private final HttpClient delegate;
        private final URI keycard;
        private final AtomicInteger count;

        CountingClient(HttpClient delegate, URI keycard, AtomicInteger count) {
            this.delegate = delegate;
            this.keycard = keycard;
            this.count = count;
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest r, HttpResponse.BodyHandler<T> h) throws java.io.IOException,
                InterruptedException {
            note(r);
            return delegate.send(r, h);
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest r, HttpResponse.BodyHandler<T> h) {
            note(r);
            return delegate.sendAsync(r, h);
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest r, HttpResponse.BodyHandler<T> h,
                                                                                   HttpResponse.PushPromiseHandler<T> p) {
            note(r);
            return delegate.sendAsync(r, h, p);
        }

        private void note(HttpRequest r) {
            if (r.uri().getPath().equals("/oauth2/token")) {
                count.incrementAndGet();
            }
        }

        @Override public java.util.Optional<java.net.CookieHandler> cookieHandler() { return delegate.cookieHandler(); }
        @Override public java.util.Optional<Duration> connectTimeout() { return delegate.connectTimeout(); }
        @Override public Redirect followRedirects() { return delegate.followRedirects(); }
        @Override public java.util.Optional<java.net.ProxySelector> proxy() { return delegate.proxy(); }
        @Override public javax.net.ssl.SSLContext sslContext() { return delegate.sslContext(); }
        @Override public javax.net.ssl.SSLParameters sslParameters() { return delegate.sslParameters(); }
        @Override public java.util.Optional<java.net.Authenticator> authenticator() { return delegate.authenticator(); }
        @Override public Version version() { return delegate.version(); }
        @Override public java.util.Optional<java.util.concurrent.Executor> executor() { return delegate.executor(); }
    }
}
