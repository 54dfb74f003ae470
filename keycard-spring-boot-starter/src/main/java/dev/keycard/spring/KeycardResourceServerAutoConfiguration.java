package dev.keycard.spring;

import dev.keycard.resource.AccessTokenVerifier;
import java.net.URI;
import java.util.Locale;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * An API that Keycard issues tokens for ({@code keycard.resource.issuer} set): Spring Security's
 * {@link JwtDecoder} (and {@link ReactiveJwtDecoder} under WebFlux) backed by keycard-resource's
 * {@link AccessTokenVerifier}. It runs before Spring Boot's own resource-server configuration,
 * whose decoder then backs off, while Boot's default filter chain (every request authenticated by
 * a Bearer token) still applies when the application defines none. Every bean backs off from one
 * the application defines itself.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration"})
@ConditionalOnClass({AccessTokenVerifier.class, JwtDecoder.class})
@ConditionalOnProperty(prefix = "keycard.resource", name = "issuer")
@EnableConfigurationProperties(KeycardResourceProperties.class)
public class KeycardResourceServerAutoConfiguration {

    private static final String PREFIX = "keycard.resource.";

    /** The verifier, checked at start: a missing or invalid property stops the start, named. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    AccessTokenVerifier keycardAccessTokenVerifier(KeycardResourceProperties properties) {
        URI issuer = properties.getIssuer();
        String scheme = issuer == null || issuer.getScheme() == null ? "" : issuer.getScheme().toLowerCase(Locale.ROOT);
        if (issuer == null || !issuer.isAbsolute() || !(scheme.equals("https") || scheme.equals("http"))
                || issuer.getHost() == null) {
            throw new InvalidConfigurationPropertyValueException(PREFIX + "issuer", issuer,
                    "must be Keycard's issuer identifier, an absolute http(s) URL");
        }
        if (properties.getAudience().isEmpty()) {
            throw new InvalidConfigurationPropertyValueException(PREFIX + "audience", null,
                    "is required: this API's identifier, which its tokens name in aud");
        }
        AccessTokenVerifier.Builder builder = AccessTokenVerifier.builder().issuer(issuer.toString())
                .audiences(properties.getAudience()).clockSkew(properties.getClockSkew());
        if (!properties.getAlgorithms().isEmpty()) {
            builder.algorithms(properties.getAlgorithms().toArray(String[]::new));
        }
        KeycardResourceProperties.RevocationEvents events = properties.getRevocationEvents();
        if (events.getClientId() != null || events.getClientSecret() != null) {
            if (events.getClientId() == null || events.getClientId().isBlank()) {
                throw new InvalidConfigurationPropertyValueException(PREFIX + "revocation-events.client-id", null,
                        "is required with revocation-events.client-secret");
            }
            if (events.getClientSecret() == null || events.getClientSecret().isBlank()) {
                throw new InvalidConfigurationPropertyValueException(PREFIX + "revocation-events.client-secret",
                        null, "is required with revocation-events.client-id");
            }
            builder.revocationEvents(events.getClientId(), events.getClientSecret());
            if (events.getFailClosedAfter() != null) {
                builder.revocationsFailClosedAfter(events.getFailClosedAfter());
            }
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidConfigurationPropertyValueException(PREFIX + "*", null, e.getMessage());
        }
    }

    /** What Spring Security's resource server asks for: the {@link JwtDecoder}. */
    @Bean
    @ConditionalOnMissingBean(JwtDecoder.class)
    JwtDecoder jwtDecoder(AccessTokenVerifier verifier) {
        return new KeycardJwtDecoder(verifier);
    }

    /** WebFlux resource servers: the {@link ReactiveJwtDecoder}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(name = "reactor.core.publisher.Mono")
    static class Reactive {
        @Bean
        @ConditionalOnMissingBean(ReactiveJwtDecoder.class)
        ReactiveJwtDecoder reactiveJwtDecoder(AccessTokenVerifier verifier) {
            return new KeycardReactiveJwtDecoder(new KeycardJwtDecoder(verifier));
        }
    }
}
