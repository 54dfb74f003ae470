package dev.keycard.resource.internal;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * Finds the {@code jwks_uri} of an issuer through its authorization server metadata (RFC 8414).
 */
public final class Discovery {

    private Discovery() {
    }

    /**
     * The metadata URL of RFC 8414 §3: the well-known suffix goes between the host and the
     * issuer's path, so {@code https://as.example/tenant} is asked at
     * {@code https://as.example/.well-known/oauth-authorization-server/tenant}.
     */
    public static URI metadataUri(URI issuer) {
        String path = issuer.getRawPath() == null ? "" : issuer.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return URI.create(issuer.getScheme() + "://" + issuer.getRawAuthority()
                + "/.well-known/oauth-authorization-server" + path);
    }

    /**
     * The issuer's {@code jwks_uri}, after checking that the document names exactly this issuer
     * (RFC 8414 §3.3): a document for another issuer would hand us another issuer's keys.
     */
    public static CompletableFuture<URI> jwksUri(HttpJson http, String issuer) {
        return endpoint(http, issuer, "jwks_uri");
    }

    /**
     * An endpoint named in the issuer's metadata, after the same check of the issuer; for
     * example Keycard's {@code keycard_revocation_events_endpoint}.
     */
    public static CompletableFuture<URI> endpoint(HttpJson http, String issuer, String member) {
        URI metadata = metadataUri(URI.create(issuer));
        return http.get(metadata).thenApply(doc -> {
            Object named = doc.json().get("issuer");
            if (!issuer.equals(named)) {
                throw new HttpJson.FetchException(metadata + " names issuer " + named + ", expected " + issuer);
            }
            Object value = doc.json().get(member);
            if (!(value instanceof String s)) {
                throw new HttpJson.FetchException(metadata + " has no " + member);
            }
            URI uri = URI.create(s);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                throw new HttpJson.FetchException(metadata + " has a " + member + " that is not HTTP(S)");
            }
            return uri;
        });
    }
}
