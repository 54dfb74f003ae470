package dev.keycard.spring;

import dev.keycard.client.ClientCredentialsTokenSource;
import dev.keycard.protocol.ClientAuthMethod;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MutuallyExclusiveConfigurationPropertiesException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * An application that calls APIs with Keycard's tokens ({@code keycard.client.registration.*}
 * set): {@link KeycardClients}, one keycard-client token source per registration, checked at
 * start, so a missing or invalid property stops the start, named. Backs off from a
 * {@link KeycardClients} the application defines itself.
 */
@AutoConfiguration
@ConditionalOnClass(ClientCredentialsTokenSource.class)
@Conditional(KeycardClientAutoConfiguration.RegistrationsConfigured.class)
@EnableConfigurationProperties(KeycardClientProperties.class)
public class KeycardClientAutoConfiguration {

    static final String REGISTRATION = "keycard.client.registration";

    @Bean
    @ConditionalOnMissingBean
    KeycardClients keycardClients(KeycardClientProperties properties) {
        Map<String, ClientCredentialsTokenSource> sources = new LinkedHashMap<>();
        properties.getRegistration().forEach((name, r) -> sources.put(name, tokenSource(properties.getIssuer(), name, r)));
        return new KeycardClients(sources);
    }

    private static ClientCredentialsTokenSource tokenSource(@Nullable URI defaultIssuer, String name,
                                                            KeycardClientProperties.Registration r) {
        String at = REGISTRATION + "." + name + ".";
        ClientCredentialsTokenSource.Builder b = ClientCredentialsTokenSource.builder();
        URI issuer = r.getIssuer() != null ? r.getIssuer() : defaultIssuer;
        URI tokenEndpoint = r.getTokenEndpoint();
        if (tokenEndpoint != null) {
            if (r.getIssuer() != null) {
                throw exclusive(at + "issuer", at + "token-endpoint");
            }
            apply(at + "token-endpoint", tokenEndpoint, () -> b.tokenEndpoint(tokenEndpoint));
        } else if (issuer != null) {
            apply(r.getIssuer() != null ? at + "issuer" : "keycard.client.issuer", issuer, () -> b.issuer(issuer));
        } else {
            throw new InvalidConfigurationPropertyValueException(at + "issuer", null,
                    "is required (or keycard.client.issuer, or " + at + "token-endpoint)");
        }
        if (r.getClientId() == null || r.getClientId().isBlank()) {
            throw new InvalidConfigurationPropertyValueException(at + "client-id", r.getClientId(), "is required");
        }
        b.clientId(r.getClientId());
        java.util.Set<String> secrets = new java.util.LinkedHashSet<>();
        if (r.getClientSecret() != null) {
            secrets.add(at + "client-secret");
            b.clientSecret(r.getClientSecret());
        }
        if (r.getClientSecretEnv() != null) {
            secrets.add(at + "client-secret-env");
            b.clientSecretFromEnv(r.getClientSecretEnv());
        }
        if (r.getClientSecretFile() != null) {
            secrets.add(at + "client-secret-file");
            b.clientSecretFile(r.getClientSecretFile());
        }
        if (secrets.isEmpty()) {
            throw new InvalidConfigurationPropertyValueException(at + "client-secret", null,
                    "is required (or " + at + "client-secret-env, or " + at + "client-secret-file)");
        }
        if (secrets.size() > 1) {
            throw exclusive(secrets.toArray(String[]::new));
        }
        ClientAuthMethod method = new ClientAuthMethod(r.getAuthMethod());
        if (!method.equals(ClientAuthMethod.CLIENT_SECRET_BASIC) && !method.equals(ClientAuthMethod.CLIENT_SECRET_POST)) {
            throw new InvalidConfigurationPropertyValueException(at + "auth-method", r.getAuthMethod(),
                    "must be client_secret_basic or client_secret_post");
        }
        b.authMethod(method).scopes(r.getScopes());
        if (r.getResource() != null && r.getAudience() != null) {
            throw exclusive(at + "resource", at + "audience");
        }
        if (r.getResource() != null) {
            apply(at + "resource", r.getResource(), () -> b.resource(r.getResource()));
        }
        if (r.getAudience() != null) {
            b.audience(r.getAudience());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidConfigurationPropertyValueException(at + "*", null, e.getMessage());
        }
    }

    private static MutuallyExclusiveConfigurationPropertiesException exclusive(String... properties) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>(java.util.List.of(properties));
        return new MutuallyExclusiveConfigurationPropertiesException(names, names);
    }

    /** Runs {@code set}, turning keycard-client's refusal of a value into one naming the property. */
    private static void apply(String property, @Nullable Object value, Runnable set) {
        try {
            set.run();
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException(property, value, e.getMessage());
        }
    }

    /** Whether any {@code keycard.client.registration.*} is set, as Spring's own OAuth 2.0 client decides. */
    static final class RegistrationsConfigured extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Map<String, Object> registrations = Binder.get(context.getEnvironment())
                    .bind(REGISTRATION, Bindable.mapOf(String.class, Object.class)).orElse(Map.of());
            return registrations.isEmpty() ? ConditionOutcome.noMatch("no " + REGISTRATION + ".* property")
                    : ConditionOutcome.match(registrations.size() + " keycard.client registrations");
        }
    }
}
