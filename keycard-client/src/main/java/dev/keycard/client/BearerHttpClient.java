package dev.keycard.client;

import dev.keycard.client.internal.DPoPSigner;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * An {@link HttpClient} that sends every request with {@code Authorization: Bearer} and a token
 * from a {@link ClientCredentialsTokenSource} (RFC 6750 §2.1), replacing any {@code Authorization}
 * the request had. Everything else is the wrapped client's.
 *
 * <p>When the answer is 401 with {@code WWW-Authenticate: Bearer error="invalid_token"} (RFC 6750
 * §3.1) — the token was revoked, or the API's clock runs ahead — the token is invalidated and the
 * request sent once more with a new one; a second 401 is returned as it is. A request whose body
 * cannot be replayed (a publisher of unknown length, such as {@code BodyPublishers.ofInputStream})
 * is never sent twice: its 401 is returned. The body of a 401 that is retried is discarded.
 *
 * <p>With a token source built with {@code dpop()}, a DPoP-bound token is sent as
 * {@code Authorization: DPoP} with a {@code DPoP} proof made for this request (RFC 9449 §7: its
 * method, URI and the token's hash {@code ath}); when the API answers 401 with a {@code DPoP}
 * challenge {@code error="use_dpop_nonce"} and a {@code DPoP-Nonce} header (§9), the request is sent
 * once more with a proof carrying that nonce, which is remembered for the API's later calls.
 *
 * <p>A token that cannot be had fails {@code send} with the token source's exceptions, and
 * {@code sendAsync} with a future failed by them. WebSockets get no token. Closing this client
 * closes the wrapped one.
 */
public final class BearerHttpClient extends HttpClient {

    /** RFC 6750 §3, RFC 9449 §7.1: a Bearer or DPoP challenge carrying {@code error="invalid_token"}. */
    private static final Pattern INVALID_TOKEN =
            Pattern.compile("(?i)\\b(Bearer|DPoP)\\b.*\\berror\\s*=\\s*\"?invalid_token\"?");
    /** RFC 9449 §9: a DPoP challenge asking for the resource server's nonce. */
    private static final Pattern USE_DPOP_NONCE =
            Pattern.compile("(?i)\\bDPoP\\b.*\\berror\\s*=\\s*\"?use_dpop_nonce\"?");

    private final HttpClient delegate;
    private final ClientCredentialsTokenSource tokens;

    public BearerHttpClient(HttpClient delegate, ClientCredentialsTokenSource tokens) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    /**
     * Calls APIs through a client of its own, with the token source's TLS context when its builder
     * was given one ({@code sslContext}: the same client certificate to Keycard and to the APIs, as
     * a certificate-bound token needs, RFC 8705 §3).
     */
    public BearerHttpClient(ClientCredentialsTokenSource tokens) {
        this(ownClient(tokens), tokens);
    }

    private static HttpClient ownClient(ClientCredentialsTokenSource tokens) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        SSLContext context = tokens.sslContext();
        if (context != null) {
            b.sslContext(context);
        }
        return b.build();
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler) throws IOException, InterruptedException {
        boolean replayable = replayable(request);
        AccessToken token = tokens.token();
        HttpResponse<T> first = delegate.send(authorized(request, token), replayable ? discardingRetried(handler) : handler);
        return switch (replayable ? retry(request, first, token) : Retry.NONE) {
            case NONE -> first;
            case SAME_TOKEN -> delegate.send(authorized(request, token), handler);
            case NEW_TOKEN -> {
                tokens.invalidate(token);
                yield delegate.send(authorized(request, tokens.token()), handler);
            }
        };
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler) {
        return sendAsync(request, handler, null);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler,
                                                            @Nullable PushPromiseHandler<T> push) {
        boolean replayable = replayable(request);
        return tokens.tokenAsync().thenCompose(token ->
                delegate.sendAsync(authorized(request, token), replayable ? discardingRetried(handler) : handler, push)
                        .thenCompose(first -> switch (replayable ? retry(request, first, token) : Retry.NONE) {
                            case NONE -> CompletableFuture.completedFuture(first);
                            case SAME_TOKEN -> delegate.sendAsync(authorized(request, token), handler, push);
                            case NEW_TOKEN -> {
                                tokens.invalidate(token);
                                yield tokens.tokenAsync().thenCompose(again ->
                                        delegate.sendAsync(authorized(request, again), handler, push));
                            }
                        }));
    }

    /** What to do after the first answer. */
    private enum Retry { NONE, SAME_TOKEN, NEW_TOKEN }

    private Retry retry(HttpRequest request, HttpResponse<?> first, AccessToken token) {
        DPoPSigner dpop = tokens.dpop();
        if (dpop != null) {
            dpop.remember(request.uri(), first.headers());
            if (useNonce(first.statusCode(), first.headers())) {
                return Retry.SAME_TOKEN;
            }
        }
        return invalidToken(first.statusCode(), first.headers()) ? Retry.NEW_TOKEN : Retry.NONE;
    }

    private HttpRequest authorized(HttpRequest request, AccessToken token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase("Authorization")
                && !name.equalsIgnoreCase("DPoP"));
        DPoPSigner dpop = tokens.dpop();
        if (dpop != null && token.tokenType().equals("DPoP")) {
            return b.header("Authorization", "DPoP " + token.value())
                    .header("DPoP", dpop.proof(request.method(), request.uri(), token.value())).build();
        }
        return b.header("Authorization", "Bearer " + token.value()).build();
    }

    /** A body of known length is assumed replayable; the JDK's publishers of known length are. */
    private static boolean replayable(HttpRequest request) {
        return request.bodyPublisher().map(p -> p.contentLength() >= 0).orElse(true);
    }

    static boolean invalidToken(int status, HttpHeaders headers) {
        return status == 401 && headers.allValues("WWW-Authenticate").stream().anyMatch(v -> INVALID_TOKEN.matcher(v).find());
    }

    static boolean useNonce(int status, HttpHeaders headers) {
        return status == 401 && headers.firstValue("DPoP-Nonce").isPresent()
                && headers.allValues("WWW-Authenticate").stream().anyMatch(v -> USE_DPOP_NONCE.matcher(v).find());
    }

    /** The caller's handler, except for a 401 that will be retried: its body is not the caller's. */
    private <T> BodyHandler<T> discardingRetried(BodyHandler<T> handler) {
        return info -> invalidToken(info.statusCode(), info.headers())
                || (tokens.dpop() != null && useNonce(info.statusCode(), info.headers()))
                ? BodySubscribers.replacing(null) : handler.apply(info);
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }

    @Override
    public WebSocket.Builder newWebSocketBuilder() {
        return delegate.newWebSocketBuilder();
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public boolean awaitTermination(Duration duration) throws InterruptedException {
        return delegate.awaitTermination(duration);
    }

    @Override
    public boolean isTerminated() {
        return delegate.isTerminated();
    }

    @Override
    public void shutdownNow() {
        delegate.shutdownNow();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "BearerHttpClient{" + tokens + "}";
    }
}
