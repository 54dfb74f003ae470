package dev.keycard.resource.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

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
        return http.sendAsync(request, info -> new Bounded(maxBytes, info.statusCode()))
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

    /** Collects the body up to a limit and cancels the exchange past it. */
    private static final class Bounded implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private final int limit;
        private final int status;
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private Flow.@org.jspecify.annotations.Nullable Subscription subscription;

        Bounded(int limit, int status) {
            this.limit = limit;
            this.status = status;
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                if (status != 200 || bytes.size() + b.remaining() > limit) {
                    if (status == 200) {
                        result.completeExceptionally(new IOException("response larger than " + limit + " bytes"));
                    } else {
                        result.complete("");
                    }
                    if (subscription != null) {
                        subscription.cancel();
                    }
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toString(StandardCharsets.UTF_8));
        }
    }
}
