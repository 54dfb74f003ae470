package dev.keycard.client.internal;

import dev.keycard.client.AccessToken;
import java.lang.System.Logger.Level;
import dev.keycard.protocol.BoundedBody;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

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
    private final @Nullable DPoPSigner dpop;

    /**
     * @param endpoint the token endpoint, known or discovered
     * @param clientId for logs and errors: the client as far as it is known
     * @param targetParameter {@code resource} (RFC 8707) or {@code audience}
     * @param dpop signs a DPoP proof for each request (RFC 9449 §5), so that the tokens are bound to
     *     its key; null: bearer tokens
     */
    public TokenRequester(Supplier<CompletableFuture<URI>> endpoint, String clientId, ClientCredentials credentials,
                          String targetParameter, HttpClient http, Duration timeout, Retrier retrier, Clock clock,
                          @Nullable DPoPSigner dpop) {
        this.endpoint = endpoint;
        this.clientId = clientId;
        this.credentials = credentials;
        this.targetParameter = targetParameter;
        this.http = http;
        this.timeout = timeout;
        this.retrier = retrier;
        this.clock = clock;
        this.dpop = dpop;
    }

    @Override
    public CompletableFuture<AccessToken> apply(CacheKey key) {
        return endpoint.get().thenCompose(uri ->
                retrier.run("token endpoint " + uri + " (client_id " + clientId + ")", () -> attempt(uri, key)));
    }

    private CompletableFuture<AccessToken> attempt(URI uri, CacheKey key) {
        long sentAt = clock.millis(); // before a nonce retry too: expires_in never over-reaches
        return send(uri, key).thenCompose(r -> {
            // RFC 9449 §8: the server wants its nonce in the proof; it sent one, so ask again at once.
            if (dpop != null && dpop.remember(uri, r.headers()) && r.statusCode() == 400
                    && TokenResponses.isError(r, "use_dpop_nonce")) {
                return send(uri, key);
            }
            return CompletableFuture.completedFuture(r);
        }).thenApply(r -> {
            if (dpop != null) {
                dpop.remember(uri, r.headers());
            }
            try {
                AccessToken token = TokenResponses.parse(r, key.scopeNames(), sentAt, clientId, clock, dpop != null);
                LOG.log(Level.DEBUG, "token obtained client_id={0} status={1} expires_at={2}",
                        clientId, r.statusCode(), token.expiresAt());
                return token;
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "token request failed client_id={0} status={1}", clientId, r.statusCode());
                throw e;
            }
        });
    }

    private CompletableFuture<HttpResponse<String>> send(URI uri, CacheKey key) {
        return http.sendAsync(request(uri, key), BoundedBody.ofString(MAX_BODY_BYTES));
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
        if (dpop != null) {
            b.header("DPoP", dpop.proof("POST", uri, null));
        }
        return b.POST(HttpRequest.BodyPublishers.ofString(form.toString(), StandardCharsets.UTF_8)).build();
    }
}
