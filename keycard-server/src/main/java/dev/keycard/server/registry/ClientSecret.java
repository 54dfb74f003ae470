package dev.keycard.server.registry;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One secret of a client: only its SHA-256 digest is kept, never the secret.
 *
 * @param id the secret's own identifier, for listing and deleting it
 * @param digest SHA-256 of the secret's UTF-8 bytes
 * @param hint the prefix and last characters, so a person can tell secrets apart
 * @param expiresAt when it stops working; null while it is the current secret
 * @param lastUsedAt when it last authenticated a request, as far as the store knows
 */
public record ClientSecret(String id, byte[] digest, String hint, Instant createdAt,
                           @Nullable Instant expiresAt, @Nullable Instant lastUsedAt) {

    public ClientSecret {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(createdAt, "createdAt");
        digest = digest.clone();
    }

    /** Whether it authenticates at {@code now}: an expiry is exclusive. */
    public boolean activeAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }

    /**
     * Whether it is in its grace period at {@code now}: replaced by a newer secret (only a rotation
     * sets an expiry) and still working until {@code expiresAt}.
     */
    public boolean inGracePeriodAt(Instant now) {
        return expiresAt != null && now.isBefore(expiresAt);
    }

    /** Whether {@code candidateDigest} is this secret's digest; constant time. */
    public boolean matches(byte[] candidateDigest) {
        return MessageDigest.isEqual(digest, candidateDigest);
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientSecret s && s.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "ClientSecret[" + id + ", " + hint + "]";
    }
}
