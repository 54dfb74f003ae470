package dev.keycard.resource.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.keycard.protocol.BoundedBody;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * GETs a small JSON document without blocking a thread: a bounded time, a bounded size, and a
 * failure for anything but 200 with a JSON object. The key set and the metadata are fetched from
 * a server the verifier trusts, but a misbehaving one must not exhaust the API's memory.
 */
public final class HttpJson {

    /** A fetched document and how long its server says it may be cached. */
    public record Document(Map<String, Object> json, String text, OptionalLong maxAgeSeconds) {
    }

    private final HttpClient http;
    private final Duration timeout;
    private final int maxBytes;

    public HttpJson(HttpClient http, Duration timeout, int maxBytes) {
        this.http = http;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    public CompletableFuture<Document> get(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
        return http.sendAsync(request, BoundedBody.ofString(maxBytes))
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        throw new FetchException(uri + " answered HTTP " + response.statusCode());
                    }
                    String text = response.body();
                    try {
                        return new Document(JSONObjectUtils.parse(text), text, maxAge(response));
                    } catch (ParseException e) {
                        throw new FetchException(uri + " did not answer with a JSON object: " + e.getMessage());
                    }
                });
    }

    /** {@code Cache-Control: max-age} (RFC 9111 §5.2.2.1), unless {@code no-store} or {@code no-cache}. */
    private static OptionalLong maxAge(HttpResponse<?> response) {
        for (String value : response.headers().allValues("Cache-Control")) {
            for (String directive : value.split(",")) {
                String d = directive.trim().toLowerCase(java.util.Locale.ROOT);
                if (d.equals("no-store") || d.equals("no-cache")) {
                    return OptionalLong.of(0);
                }
                if (d.startsWith("max-age=")) {
                    try {
                        return OptionalLong.of(Long.parseLong(d.substring(8)));
                    } catch (NumberFormatException ignored) {
                        return OptionalLong.empty();
                    }
                }
            }
        }
        return OptionalLong.empty();
    }

    /** A fetch that did not give a usable document; the message names the URI, never a token. */
    public static final class FetchException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public FetchException(String message) {
            super(message, null, false, false);
        }
    }
}
