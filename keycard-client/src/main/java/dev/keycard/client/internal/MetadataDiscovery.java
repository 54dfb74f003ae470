package dev.keycard.client.internal;

import com.grack.nanojson.JsonObject;
import dev.keycard.client.KeycardClientException;
import dev.keycard.protocol.BoundedBody;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Finds the token endpoint in the authorization server's metadata, RFC 8414 §3. Fetched on the
 * first token request and kept for the life of the source; a failed fetch is retried like a token
 * request and forgotten, so the next token request tries again.
 */
public final class MetadataDiscovery {

    private final URI issuer;
    private final URI metadataUri;
    private final HttpClient http;
    private final Duration timeout;
    private final Retrier retrier;
    private final Clock clock;
    private final AtomicReference<CompletableFuture<URI>> result = new AtomicReference<>();

    public MetadataDiscovery(URI issuer, HttpClient http, Duration timeout, Retrier retrier, Clock clock) {
        this.issuer = issuer;
        this.metadataUri = metadataUri(issuer);
        this.http = http;
        this.timeout = timeout;
        this.retrier = retrier;
        this.clock = clock;
    }

    /**
     * RFC 8414 §3.1: the well-known suffix goes between the host and the issuer's path, after any
     * terminating "/" of the path is removed.
     */
    static URI metadataUri(URI issuer) {
        String path = issuer.getRawPath() == null ? "" : issuer.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            return new URI(issuer.getScheme(), issuer.getRawAuthority(), null, null, null)
                    .resolve("/.well-known/oauth-authorization-server" + path);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("issuer " + issuer + " has no usable authority", e);
        }
    }

    /** The token endpoint, from the metadata fetched once. */
    public CompletableFuture<URI> tokenEndpoint() {
        while (true) {
            CompletableFuture<URI> f = result.get();
            if (f != null) {
                return f;
            }
            CompletableFuture<URI> mine = new CompletableFuture<>();
            if (result.compareAndSet(null, mine)) {
                retrier.run("authorization server metadata " + metadataUri, this::fetch).whenComplete((uri, e) -> {
                    if (e == null) {
                        mine.complete(uri);
                    } else {
                        result.compareAndSet(mine, null);
                        mine.completeExceptionally(Retrier.unwrap(e));
                    }
                });
                return mine;
            }
        }
    }

    private CompletableFuture<URI> fetch() {
        HttpRequest request = HttpRequest.newBuilder(metadataUri).timeout(timeout)
                .header("Accept", "application/json").GET().build();
        return http.sendAsync(request, BoundedBody.ofString(TokenRequester.MAX_BODY_BYTES)).thenApply(this::read);
    }

    private URI read(HttpResponse<String> r) {
        int status = r.statusCode();
        if (status == 429 || status >= 500) {
            throw new RetryableFailure("HTTP " + status, null,
                    RetryAfter.parse(r.headers().firstValue("Retry-After").orElse(null), clock));
        }
        if (status != 200) {
            throw new KeycardClientException("authorization server metadata " + metadataUri + " answered HTTP " + status);
        }
        JsonObject body = TokenResponses.json(r.body());
        if (body == null) {
            throw new KeycardClientException("authorization server metadata " + metadataUri + " is not a JSON object");
        }
        // §3.3: the issuer must be identical to the one configured, or the document may be forged.
        String named = body.getString("issuer");
        if (!issuer.toString().equals(named)) {
            throw new KeycardClientException("authorization server metadata " + metadataUri + " names issuer "
                    + (named == null ? "none" : "'" + named + "'") + ", expected '" + issuer + "' (RFC 8414 §3.3)");
        }
        String endpoint = body.getString("token_endpoint");
        URI uri;
        try {
            uri = endpoint == null ? null : new URI(endpoint);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || !uri.isAbsolute() || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            throw new KeycardClientException("authorization server metadata " + metadataUri
                    + " has no usable token_endpoint");
        }
        return uri;
    }
}
