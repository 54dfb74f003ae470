package dev.keycard.resource.internal;

import java.net.URI;

/** The public origin an adapter compares DPoP proofs' {@code htu} with, checked once. */
public final class Origins {

    private Origins() {
    }

    /**
     * {@code origin} as scheme://host[:port].
     *
     * @throws IllegalArgumentException when it has a path, a query or a fragment, or no host
     */
    public static URI of(URI origin) {
        if (origin.getScheme() == null || origin.getHost() == null || origin.getRawQuery() != null
                || origin.getRawFragment() != null || (origin.getRawPath() != null && !origin.getRawPath().isEmpty()
                && !origin.getRawPath().equals("/"))) {
            throw new IllegalArgumentException("publicOrigin must be scheme://host[:port] without path, query or fragment, was "
                    + origin);
        }
        return URI.create(origin.getScheme() + "://" + origin.getRawAuthority());
    }
}
