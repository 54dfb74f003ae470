/**
 * Keycard for Spring Boot: {@link dev.keycard.spring.KeycardResourceServerAutoConfiguration} backs
 * Spring Security's {@code JwtDecoder} with keycard-resource, and
 * {@link dev.keycard.spring.KeycardClientAutoConfiguration} gives {@code RestClient},
 * {@code RestTemplate} and {@code WebClient} a Bearer token from keycard-client.
 */
@NullMarked
package dev.keycard.spring;

import org.jspecify.annotations.NullMarked;
