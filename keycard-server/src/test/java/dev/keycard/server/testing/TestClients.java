package dev.keycard.server.testing;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.ClientId;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.client.Secrets;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientKeys;
import dev.keycard.server.registry.ClientSecret;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Clients for unit tests of the token pipeline, built in memory:
 * {@code TestClients.batchWorker().grant(TestApis.JOBS, "jobs:read").build()}. By default a
 * client is enabled, may use both secret methods and the client_credentials grant, and has one
 * current secret, {@link #SECRET}, made at {@link #CREATED}.
 */
public final class TestClients {

    /** The secret every built client has unless told otherwise. */
    public static final String SECRET = "kcs_unit-test-secret-0123456789abcdefghijklm";
    /** When built clients and their secrets were made. */
    public static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    private TestClients() {
    }

    /** Service A of the demo: a batch worker. */
    public static Builder batchWorker() {
        return client("batch-worker").name("Batch worker");
    }

    public static Builder client(String id) {
        return new Builder(id);
    }

    /** A client being described; {@link #build()} makes the immutable value. */
    public static final class Builder {
        private final String id;
        private String name;
        private boolean enabled = true;
        private Set<ClientAuthMethod> methods = Set.of(ClientAuthMethod.CLIENT_SECRET_BASIC,
                ClientAuthMethod.CLIENT_SECRET_POST);
        private Set<GrantType> grantTypes = Set.of(GrantType.CLIENT_CREDENTIALS);
        private Optional<String> defaultApi = Optional.empty();
        private final Map<String, ScopeSet> grants = new LinkedHashMap<>();
        private final List<ClientSecret> secrets = new ArrayList<>(List.of(secret(SECRET, CREATED, null)));
        private Instant created = CREATED;
        private ClientKeys keys = ClientKeys.NONE;

        private Builder(String id) {
            this.id = id;
            this.name = "Client " + id;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** May get {@code scopes} at {@code api}. */
        public Builder grant(String api, String... scopes) {
            grants.put(api, ScopeSet.of(scopes));
            return this;
        }

        public Builder defaultApi(String api) {
            this.defaultApi = Optional.of(api);
            return this;
        }

        public Builder disabled() {
            this.enabled = false;
            return this;
        }

        public Builder methods(ClientAuthMethod... methods) {
            this.methods = new LinkedHashSet<>(List.of(methods));
            return this;
        }

        public Builder grantTypes(GrantType... types) {
            this.grantTypes = new LinkedHashSet<>(List.of(types));
            return this;
        }

        /** Replaces the default secret: {@code value}, current (no expiry). */
        public Builder onlySecret(String value) {
            secrets.clear();
            secrets.add(secret(value, created, null));
            return this;
        }

        /** Adds a secret replaced by a rotation: it works until {@code expires}. */
        public Builder replacedSecret(String value, Instant expires) {
            secrets.add(secret(value, created.minus(Duration.ofDays(1)), expires));
            return this;
        }

        /**
         * Authenticates with {@code private_key_jwt} only, verified by the inline JWK Set
         * {@code jwks}; no secret.
         */
        public Builder privateKeyJwt(String jwks) {
            return keys(new ClientKeys(Optional.of(jwks), Optional.empty(), Optional.empty()));
        }

        /** Authenticates with {@code private_key_jwt} only, with {@code keys}; no secret. */
        public Builder keys(ClientKeys keys) {
            this.keys = keys;
            this.methods = Set.of(ClientAuthMethod.PRIVATE_KEY_JWT);
            secrets.clear();
            return this;
        }

        public Builder createdAt(Instant created) {
            this.created = created;
            return this;
        }

        public Client build() {
            return new Client(new ClientId(id), name, enabled, methods, grantTypes, defaultApi, grants, secrets, created,
                    created, Optional.empty(), keys);
        }

        private static ClientSecret secret(String value, Instant created, Instant expires) {
            return new ClientSecret("sec_" + Integer.toHexString(value.hashCode()), Secrets.digest(value),
                    value.substring(0, 4) + "…", created, expires, null);
        }
    }
}
