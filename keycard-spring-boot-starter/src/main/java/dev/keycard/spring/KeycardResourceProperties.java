package dev.keycard.spring;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code keycard.resource.*}: this application is an API whose access tokens Keycard issues.
 */
@ConfigurationProperties("keycard.resource")
public class KeycardResourceProperties {

    /**
     * Keycard's issuer identifier, exactly the tokens' iss (e.g. https://keycard.internal). The
     * key set is found through its RFC 8414 metadata.
     */
    private @Nullable URI issuer;

    /** This API's identifiers: a token must name one of them in aud (RFC 9068). */
    private List<String> audience = new ArrayList<>();

    /** The JWS algorithms accepted; empty: every asymmetric one Keycard signs with. */
    private List<String> algorithms = new ArrayList<>();

    /** How far clocks may disagree when exp, nbf and iat are checked. */
    private Duration clockSkew = Duration.ofSeconds(60);

    /** Subscribe to Keycard's revocation events, so a revoked token is refused within seconds. */
    private final RevocationEvents revocationEvents = new RevocationEvents();

    public @Nullable URI getIssuer() {
        return issuer;
    }

    public void setIssuer(@Nullable URI issuer) {
        this.issuer = issuer;
    }

    public List<String> getAudience() {
        return audience;
    }

    public void setAudience(List<String> audience) {
        this.audience = audience;
    }

    public List<String> getAlgorithms() {
        return algorithms;
    }

    public void setAlgorithms(List<String> algorithms) {
        this.algorithms = algorithms;
    }

    public Duration getClockSkew() {
        return clockSkew;
    }

    public void setClockSkew(Duration clockSkew) {
        this.clockSkew = clockSkew;
    }

    public RevocationEvents getRevocationEvents() {
        return revocationEvents;
    }

    /**
     * {@code keycard.resource.revocation-events.*}: a client of Keycard holding
     * {@code keycard:introspect}, with which this API subscribes to revocations.
     */
    public static class RevocationEvents {

        /** The client_id this API subscribes with; unset: no subscription. */
        private @Nullable String clientId;

        /** Its secret. */
        private @Nullable String clientSecret;

        /** Refuse every token when the stream has been down this long; unset: keep the last list. */
        private @Nullable Duration failClosedAfter;

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

        public @Nullable Duration getFailClosedAfter() {
            return failClosedAfter;
        }

        public void setFailClosedAfter(@Nullable Duration failClosedAfter) {
            this.failClosedAfter = failClosedAfter;
        }

        @Override
        public String toString() {
            return "RevocationEvents[clientId=" + clientId + ", clientSecret=" + (clientSecret == null ? null : "****") + "]";
        }
    }
}
