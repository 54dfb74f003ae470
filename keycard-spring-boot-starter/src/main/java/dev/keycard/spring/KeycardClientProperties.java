package dev.keycard.spring;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code keycard.client.*}: the clients this application calls APIs as, each a named registration
 * like Spring's own {@code spring.security.oauth2.client.registration.*}.
 */
@ConfigurationProperties("keycard.client")
public class KeycardClientProperties {

    /** Keycard's issuer identifier, for every registration that names none itself. */
    private @Nullable URI issuer;

    /** The registrations, by a name of the application's choosing (e.g. jobs). */
    private Map<String, Registration> registration = new LinkedHashMap<>();

    public @Nullable URI getIssuer() {
        return issuer;
    }

    public void setIssuer(@Nullable URI issuer) {
        this.issuer = issuer;
    }

    public Map<String, Registration> getRegistration() {
        return registration;
    }

    public void setRegistration(Map<String, Registration> registration) {
        this.registration = registration;
    }

    /** One client of Keycard and the API it gets tokens for. */
    public static class Registration {

        /** Keycard's issuer identifier; the token endpoint is read from its metadata (RFC 8414). */
        private @Nullable URI issuer;

        /** The token endpoint itself, instead of the issuer's metadata. */
        private @Nullable URI tokenEndpoint;

        /** The client_id. */
        private @Nullable String clientId;

        /** The client secret itself. Or client-secret-env, or client-secret-file. */
        private @Nullable String clientSecret;

        /** The environment variable holding the secret, read at each token request. */
        private @Nullable String clientSecretEnv;

        /** The file holding the secret, read at each token request (rotate it without a restart). */
        private @Nullable Path clientSecretFile;

        /** client_secret_basic (the default) or client_secret_post. */
        private String authMethod = "client_secret_basic";

        /** The scopes to ask for; none: every scope granted for the API. */
        private List<String> scopes = new ArrayList<>();

        /** The API to get tokens for, sent as resource (RFC 8707); none: the client's default API. */
        private @Nullable String resource;

        /** The API to get tokens for, sent as audience instead of resource. */
        private @Nullable String audience;

        public @Nullable URI getIssuer() {
            return issuer;
        }

        public void setIssuer(@Nullable URI issuer) {
            this.issuer = issuer;
        }

        public @Nullable URI getTokenEndpoint() {
            return tokenEndpoint;
        }

        public void setTokenEndpoint(@Nullable URI tokenEndpoint) {
            this.tokenEndpoint = tokenEndpoint;
        }

        public @Nullable String getClientId() {
            return clientId;
        }

        public void setClientId(@Nullable String clientId) {
            this.clientId = clientId;
        }

        public @Nullable String getClientSecret() {
            return clientSecret;
        }

        public void setClientSecret(@Nullable String clientSecret) {
            this.clientSecret = clientSecret;
        }

        public @Nullable String getClientSecretEnv() {
            return clientSecretEnv;
        }

        public void setClientSecretEnv(@Nullable String clientSecretEnv) {
            this.clientSecretEnv = clientSecretEnv;
        }

        public @Nullable Path getClientSecretFile() {
            return clientSecretFile;
        }

        public void setClientSecretFile(@Nullable Path clientSecretFile) {
            this.clientSecretFile = clientSecretFile;
        }

        public String getAuthMethod() {
            return authMethod;
        }

        public void setAuthMethod(String authMethod) {
            this.authMethod = authMethod;
        }

        public List<String> getScopes() {
            return scopes;
        }

        public void setScopes(List<String> scopes) {
            this.scopes = scopes;
        }

        public @Nullable String getResource() {
            return resource;
        }

        public void setResource(@Nullable String resource) {
            this.resource = resource;
        }

        public @Nullable String getAudience() {
            return audience;
        }

        public void setAudience(@Nullable String audience) {
            this.audience = audience;
        }

        /** Never the secret. */
        @Override
        public String toString() {
            return "Registration[clientId=" + clientId + ", issuer=" + issuer + ", tokenEndpoint=" + tokenEndpoint
                    + ", clientSecret=" + (clientSecret == null ? null : "****") + "]";
        }
    }
}
