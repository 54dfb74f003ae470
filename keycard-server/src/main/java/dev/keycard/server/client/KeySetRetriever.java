package dev.keycard.server.client;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.keycard.protocol.BoundedBody;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a JWK Set (or a discovery document) for the key sets of clients and trusted issuers:
 * one GET, no redirects, done within {@code timeout} from the first byte sent to the last byte
 * read (a server that trickles its answer is cut off like one that hangs), and at most
 * {@code maxBytes} of body (a larger answer is abandoned as it arrives, never buffered whole).
 */
final class KeySetRetriever implements ResourceRetriever {

    private final HttpClient http;
    private final Duration timeout;
    private final int maxBytes;

    KeySetRetriever(HttpClient http, Duration timeout, int maxBytes) {
        this.http = http;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url.toURI()).timeout(timeout)
                    .header("Accept", "application/jwk-set+json, application/json").GET().build();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("not a URL a key set can be fetched from: " + e.getMessage());
        }
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request, BoundedBody.ofString(maxBytes));
        HttpResponse<String> response;
        try {
            response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new IOException("no complete answer from " + origin(url) + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause));
        }
        if (response.statusCode() != 200) {
            throw new IOException(origin(url) + " answered " + response.statusCode());
        }
        return new Resource(response.body(), response.headers().firstValue("Content-Type").orElse(null));
    }

    private static String origin(URL url) {
        URI uri = URI.create(url.toExternalForm());
        return uri.getScheme() + "://" + uri.getAuthority();
    }
}
