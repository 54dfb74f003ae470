package dev.keycard.server.config;

import java.net.URI;
import java.net.URISyntaxException;

/** What an issuer identifier must be, RFC 8414 §2: an http(s) URL with no query and no fragment. */
public final class IssuerRules {

    private IssuerRules() {
    }

    /** Returns {@code issuer} when valid, else throws saying why. */
    public static String require(String issuer) {
        URI uri;
        try {
            uri = new URI(issuer);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be a URL");
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("must be an https URL (http only for local use)");
        }
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("must have a host and no query or fragment (RFC 8414 §2)");
        }
        if (issuer.endsWith("/")) {
            throw new IllegalArgumentException("must not end with '/' (the metadata URL is built from it)");
        }
        return issuer;
    }
}
