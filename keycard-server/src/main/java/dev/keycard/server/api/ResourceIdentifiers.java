package dev.keycard.server.api;

import java.net.URI;
import java.net.URISyntaxException;

/** What a resource indicator must be, RFC 8707 §2: an absolute URI without a fragment. */
public final class ResourceIdentifiers {

    private ResourceIdentifiers() {
    }

    /** Whether {@code value} is an absolute URI with no fragment and at most 2048 characters. */
    public static boolean isValid(String value) {
        if (value.isEmpty() || value.length() > 2048) {
            return false;
        }
        try {
            URI uri = new URI(value);
            return uri.isAbsolute() && uri.getRawFragment() == null && !value.contains("#");
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
