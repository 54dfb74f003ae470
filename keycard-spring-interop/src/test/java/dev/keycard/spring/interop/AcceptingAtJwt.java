package dev.keycard.spring.interop;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;

/**
 * The one bean docs/spring.md shows for RFC 9068 tokens: Spring Boot's resource server accepts
 * {@code typ: JWT} (or none) by default, and a {@link JwtTypeValidator} bean replaces that check.
 * A class of its own: nested in {@link JobsApi}, Spring would register it with every JobsApi.
 */
@Configuration(proxyBeanMethods = false)
class AcceptingAtJwt {

    @Bean
    JwtTypeValidator jwtTypeValidator() {
        return new JwtTypeValidator("at+jwt");
    }
}
