package dev.keycard.server.testing;

import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.AccessTokenType;
import dev.keycard.server.api.Api;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.Registry;
import java.time.Duration;
import java.util.List;

/**
 * APIs for unit tests of the token pipeline: {@code TestApis.jobs().build()} is Service B of the
 * demo, {@code https://jobs.internal} with {@code jobs:read} and {@code jobs:write}, ES256, tokens
 * of five minutes.
 */
public final class TestApis {

    public static final String JOBS = "https://jobs.internal";
    public static final String REPORTS = "https://reports.internal";

    private TestApis() {
    }

    public static Builder jobs() {
        return api(JOBS).scopes("jobs:read", "jobs:write");
    }

    public static Builder reports() {
        return api(REPORTS).scopes("reports:read");
    }

    public static Builder api(String identifier) {
        return new Builder(identifier);
    }

    /** A registry holding {@code apis} and {@code clients}, as the store would fill it. */
    public static Registry registry(List<Api> apis, List<Client> clients) {
        Registry registry = new Registry();
        registry.replace(apis, clients);
        return registry;
    }

    /** An API being described; {@link #build()} makes the immutable value. */
    public static final class Builder {
        private final String identifier;
        private ScopeSet scopes = ScopeSet.empty();
        private Duration lifetime = Duration.ofMinutes(5);
        private SigningAlg alg = SigningAlg.ES256;
        private boolean enabled = true;
        private AccessTokenType type = AccessTokenType.AT_JWT;

        private Builder(String identifier) {
            this.identifier = identifier;
        }

        public Builder scopes(String... scopes) {
            this.scopes = ScopeSet.of(scopes);
            return this;
        }

        public Builder lifetime(Duration lifetime) {
            this.lifetime = lifetime;
            return this;
        }

        public Builder alg(SigningAlg alg) {
            this.alg = alg;
            return this;
        }

        public Builder disabled() {
            this.enabled = false;
            return this;
        }

        public Builder tokenType(AccessTokenType type) {
            this.type = type;
            return this;
        }

        public Api build() {
            return new Api(identifier, "API " + identifier, scopes, lifetime, alg, enabled, false, TestClients.CREATED,
                    TestClients.CREATED, type);
        }
    }
}
