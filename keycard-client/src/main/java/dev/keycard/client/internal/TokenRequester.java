package dev.keycard.client.internal;

import dev.keycard.client.AccessToken;
import java.lang.System.Logger.Level;
import dev.keycard.protocol.BoundedBody;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The access token request of the client credentials grant, RFC 6749 §4.4.2, with the client
 * authenticated per §2.3.1, and its answer (§4.4.3, §5.1, §5.2). Each call is one token request,
 * retried by the {@link Retrier}; the cache decides when to make one.
 */
public final class TokenRequester implements Function<CacheKey, CompletableFuture<AccessToken>> {

    private static final System.Logger LOG = System.getLogger("dev.keycard.client");
    /** Token responses are a few KiB; more is a misbehaving server. Also bounds the metadata document. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final Supplier<CompletableFuture<URI>> endpoint;
    private final String clientId;
    private final ClientCredentials credentials;
    private final String targetParameter;
    private final HttpClient http;
    private final Duration timeout;
    private final Retrier retrier;
    private final Clock clock;

    /**
     * @param endpoint the token endpoint, known or discovered
     * @param clientId for logs and errors: the client as far as it is known
     * @param targetParameter {@code resource} (RFC 8707) or {@code audience}
     */
    public TokenRequester(Supplier<CompletableFuture<URI>> endpoint, String clientId, ClientCredentials credentials,
                          String targetParameter, HttpClient http, Duration timeout, Retrier retrier, Clock clock) {
        this.endpoint = endpoint;
        this.clientId = clientId;
        this.credentials = credentials;
        this.targetParameter = targetParameter;
        this.http = http;
        this.timeout = timeout;
        this.retrier = retrier;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<AccessToken> apply(CacheKey key) {
        return endpoint.get().thenCompose(uri ->
                retrier.run("token endpoint " + uri + " (client_id " + clientId + ")", () -> attempt(uri, key)));
    }

    private CompletableFuture<AccessToken> attempt(URI uri, CacheKey key) {
        HttpRequest request = request(uri, key);
        long sentAt = clock.millis();
        return http.sendAsync(request, BoundedBody.ofString(MAX_BODY_BYTES)).thenApply(r -> {
            try {
                AccessToken token = TokenResponses.parse(r, key.scopeNames(), sentAt, clientId, clock);
                LOG.log(Level.DEBUG, "token obtained client_id={0} status={1} expires_at={2}",
                        clientId, r.statusCode(), token.expiresAt());
                return token;
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "token request failed client_id={0} status={1}", clientId, r.statusCode());
                throw e;
            }
        });
    }

    private HttpRequest request(URI uri, CacheKey key) {
        StringBuilder form = new StringBuilder("grant_type=client_credentials");
        if (!key.scopes().isEmpty()) {
            ClientCredentials.param(form, "scope", key.scopes().toString());
        }
        if (key.target() != null) {
            ClientCredentials.param(form, targetParameter, key.target());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        credentials.authenticate(b, form);
        return b.POST(HttpRequest.BodyPublishers.ofString(form.toString(), StandardCharsets.UTF_8)).build();
    }
}
