package dev.keycard.server.client;

/** Which limit answered a request 429: the label of {@code keycard_rate_limited_total}, the audit's {@code limit}. */
public enum RequestLimit {
    /** The client is over its token rate ({@link TokenRateLimits}). */
    TOKEN_RATE("token_rate"),
    /** The source address backs off after failed authentication ({@link AuthThrottle}). */
    FAILED_AUTH_ADDRESS("failed_auth_address"),
    /** The client id backs off after failed authentication ({@link AuthThrottle}). */
    FAILED_AUTH_CLIENT("failed_auth_client");

    private final String label;

    RequestLimit(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
