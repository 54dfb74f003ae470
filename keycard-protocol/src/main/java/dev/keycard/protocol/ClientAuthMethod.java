package dev.keycard.protocol;

import java.util.Objects;

/**
 * A client authentication method, as named in the OAuth Token Endpoint Authentication Methods
 * registry (RFC 7591 §2). An open value class.
 *
 * @param value the registered name
 */
public record ClientAuthMethod(String value) {

    /** HTTP Basic with the form-encoded id and secret, RFC 6749 §2.3.1. */
    public static final ClientAuthMethod CLIENT_SECRET_BASIC = new ClientAuthMethod("client_secret_basic");
    /** {@code client_id} and {@code client_secret} in the request body, RFC 6749 §2.3.1. */
    public static final ClientAuthMethod CLIENT_SECRET_POST = new ClientAuthMethod("client_secret_post");
    /** A JWT the client signs with its own private key, RFC 7523 §2.2 and OpenID Connect Core §9. */
    public static final ClientAuthMethod PRIVATE_KEY_JWT = new ClientAuthMethod("private_key_jwt");
    /** Mutual TLS with a certificate from a trusted authority, known by one attribute, RFC 8705 §2.1. */
    public static final ClientAuthMethod TLS_CLIENT_AUTH = new ClientAuthMethod("tls_client_auth");
    /** Mutual TLS with a self-signed certificate registered with the client, RFC 8705 §2.2. */
    public static final ClientAuthMethod SELF_SIGNED_TLS_CLIENT_AUTH = new ClientAuthMethod("self_signed_tls_client_auth");

    public ClientAuthMethod {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("authentication method is empty");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
