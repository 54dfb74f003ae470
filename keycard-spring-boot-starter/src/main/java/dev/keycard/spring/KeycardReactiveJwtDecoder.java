package dev.keycard.spring;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Spring Security's {@link ReactiveJwtDecoder} for WebFlux resource servers, backed by
 * keycard-resource like {@link KeycardJwtDecoder}, without blocking: a token whose issuer keys are
 * not in memory yet completes when they are fetched.
 */
public final class KeycardReactiveJwtDecoder implements ReactiveJwtDecoder {

    private final KeycardJwtDecoder decoder;

    public KeycardReactiveJwtDecoder(KeycardJwtDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public Mono<Jwt> decode(String token) throws JwtException {
        return Mono.fromFuture(() -> decoder.decodeAsync(token));
    }
}
