package dev.keycard.spring;

import dev.keycard.client.AccessToken;
import dev.keycard.client.ClientCredentialsTokenSource;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * Adds {@code Authorization: Bearer} with a token from keycard-client to each request of a
 * {@code WebClient}, without blocking, and sends a request once more with a new token when the API
 * answers 401 {@code error="invalid_token"}, as {@link KeycardClientHttpRequestInterceptor} does.
 */
public final class KeycardExchangeFilterFunction implements ExchangeFilterFunction {

    private final ClientCredentialsTokenSource tokens;

    public KeycardExchangeFilterFunction(ClientCredentialsTokenSource tokens) {
        this.tokens = tokens;
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        return Mono.fromFuture(tokens::tokenAsync).flatMap(token -> next.exchange(bearer(request, token))
                .flatMap(response -> response.statusCode().value() == 401
                        && KeycardClientHttpRequestInterceptor.invalidToken(
                                response.headers().asHttpHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE))
                        ? retry(request, next, token, response) : Mono.just(response)));
    }

    private Mono<ClientResponse> retry(ClientRequest request, ExchangeFunction next, AccessToken used,
                                       ClientResponse refused) {
        tokens.invalidate(used);
        return Mono.fromFuture(tokens::tokenAsync).flatMap(fresh -> fresh.value().equals(used.value())
                ? Mono.just(refused)
                : refused.releaseBody().then(next.exchange(bearer(request, fresh))));
    }

    private static ClientRequest bearer(ClientRequest request, AccessToken token) {
        return ClientRequest.from(request).headers(h -> h.setBearerAuth(token.value())).build();
    }
}
