package dev.keycard.server.api;

import dev.keycard.protocol.ScopeSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A resource server registered with Keycard. Its identifier is the {@code aud} of its tokens.
 *
 * @param identifier an absolute URI without fragment (RFC 8707 §2); never changes
 * @param name for people
 * @param scopes the scopes this API defines
 * @param tokenLifetime lifetime of tokens minted for it, capped by the server's maximum
 * @param signingAlg the algorithm its tokens are signed with
 * @param enabled whether tokens are issued for it
 * @param builtIn Keycard's own admin API, which cannot be deleted
 * @param tokenType the JOSE {@code typ} of its tokens
 */
public record Api(String identifier, String name, ScopeSet scopes, Duration tokenLifetime, SigningAlg signingAlg,
                  boolean enabled, boolean builtIn, Instant createdAt, Instant updatedAt, AccessTokenType tokenType) {

    /** An API whose tokens are {@code typ: at+jwt}. */
    public Api(String identifier, String name, ScopeSet scopes, Duration tokenLifetime, SigningAlg signingAlg,
               boolean enabled, boolean builtIn, Instant createdAt, Instant updatedAt) {
        this(identifier, name, scopes, tokenLifetime, signingAlg, enabled, builtIn, createdAt, updatedAt,
                AccessTokenType.AT_JWT);
    }

    /** The built-in API whose tokens authorize the admin API. */
    public static final String ADMIN_IDENTIFIER = "urn:keycard:admin";
    /** The scope the admin API requires. */
    public static final String ADMIN_SCOPE = "keycard:admin";
    /** The scope, on the admin API, that lets a client introspect any token (RFC 7662). */
    public static final String INTROSPECT_SCOPE = "keycard:introspect";

    /** This API with {@code scopes} instead of its own. */
    public Api withScopes(ScopeSet scopes) {
        return new Api(identifier, name, scopes, tokenLifetime, signingAlg, enabled, builtIn, createdAt, updatedAt,
                tokenType);
    }

    public Api {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scopes, "scopes");
        Objects.requireNonNull(tokenLifetime, "tokenLifetime");
        Objects.requireNonNull(signingAlg, "signingAlg");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(tokenType, "tokenType");
    }
}
