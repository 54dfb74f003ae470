package dev.keycard.server.revoke;

import java.time.Instant;
import java.util.Objects;

/**
 * A revocation that has just been committed to the store, as {@link Revocations} tells its
 * listeners: for an event stream, or for the other nodes sharing the store.
 */
public sealed interface RevocationEvent {

    /** The client whose tokens are concerned. */
    String clientId();

    /** When it happened: the order of an event stream. */
    Instant at();

    /** Names the revocation, the same on every node: an event stream's subscribers drop repeats by it. */
    String key();

    /**
     * One token revoked (RFC 7009).
     *
     * @param jti the token's {@code jti}
     * @param clientId the client it was issued to
     * @param expiresAt its {@code exp}; the revocation is forgotten after it
     * @param revokedAt when it was revoked
     */
    record TokenRevoked(String jti, String clientId, Instant expiresAt, Instant revokedAt) implements RevocationEvent {
        public TokenRevoked {
            Objects.requireNonNull(jti, "jti");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(expiresAt, "expiresAt");
            Objects.requireNonNull(revokedAt, "revokedAt");
        }

        @Override
        public Instant at() {
            return revokedAt;
        }

        @Override
        public String key() {
            return "jti:" + jti;
        }
    }

    /**
     * Every token of a client issued until a time revoked.
     *
     * @param clientId the client
     * @param revokedBefore tokens whose {@code iat} is not after this are revoked
     */
    record ClientTokensRevoked(String clientId, Instant revokedBefore) implements RevocationEvent {
        public ClientTokensRevoked {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(revokedBefore, "revokedBefore");
        }

        @Override
        public Instant at() {
            return revokedBefore;
        }

        @Override
        public String key() {
            return "client:" + clientId + "@" + revokedBefore.toEpochMilli();
        }
    }
}
