package dev.keycard.client.internal;

import dev.keycard.protocol.ScopeSet;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Checks of the token source's settings; each failure names the setting. */
public final class Inputs {

    private Inputs() {
    }

    /**
     * The cache key for these scopes and target.
     *
     * @param targetParameter {@code resource}, whose value must be an absolute URI without a
     *     fragment (RFC 8707 §2), or {@code audience}, any non-empty string
     */
    public static CacheKey cacheKey(Collection<String> scopes, @Nullable String target, String targetParameter) {
        ScopeSet set = ScopeSet.of(scopes.toArray(String[]::new));
        if (target != null) {
            if (target.isBlank()) {
                throw new IllegalArgumentException(targetParameter + " is empty");
            }
            if (targetParameter.equals("resource")) {
                URI uri;
                try {
                    uri = new URI(target);
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException("resource is not a URI: " + target, e);
                }
                if (!uri.isAbsolute() || uri.getRawFragment() != null) {
                    throw new IllegalArgumentException("resource must be an absolute URI without a fragment (RFC 8707 §2): " + target);
                }
            }
        }
        return new CacheKey(set, target);
    }

    /** An absolute http(s) URL; an issuer also has no query or fragment (RFC 8414 §2). */
    public static URI httpUrl(String name, URI uri, boolean issuer) {
        Objects.requireNonNull(uri, name);
        String scheme = uri.getScheme();
        if (!uri.isAbsolute() || uri.getHost() == null || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
            throw new IllegalArgumentException(name + " must be an absolute http(s) URL: " + uri);
        }
        if (issuer && (uri.getRawQuery() != null || uri.getRawFragment() != null)) {
            throw new IllegalArgumentException(name + " must have no query or fragment (RFC 8414 §2): " + uri);
        }
        return uri;
    }

    public static void positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
