package dev.keycard.client.internal;

import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What a token is for: its scopes and its target API. One cache entry per key; the scopes are a
 * sorted set so that the same scopes asked in another order share a token.
 *
 * @param scopes the {@code scope} to ask for; empty: whatever the server grants by default
 * @param target the {@code resource} or {@code audience} to ask for, or null for none
 */
public record CacheKey(ScopeSet scopes, @Nullable String target) {

    /** The scopes as strings, the form {@link dev.keycard.client.AccessToken} carries. */
    Set<String> scopeNames() {
        return scopes.asSet().stream().map(Scope::value).collect(Collectors.toUnmodifiableSet());
    }
}
