package dev.keycard.client.internal;

import dev.keycard.client.KeycardClientException;
import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.FormCodec;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a token request proves the client's identity (RFC 6749 §2.3): a secret, by HTTP Basic or in
 * the body (§2.3.1); a JWT the client signs with its own key ({@code private_key_jwt}, RFC 7523
 * §2.2); or a JWT someone else issued to the workload and left in a file (a Kubernetes projected
 * service-account token, RFC 7523 §2.2 as well); or the TLS client certificate (RFC 8705). Each
 * is read or made afresh for every request.
 * {@link #toString()} never shows a secret.
 */
public sealed interface ClientCredentials {

    /** The {@code client_assertion_type} of a JWT, RFC 7523 §2.2. */
    String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** The {@code client_assertion_type} of a SPIFFE JWT-SVID, draft-ietf-oauth-spiffe-client-auth. */
    String JWT_SPIFFE = "urn:ietf:params:oauth:client-assertion-type:jwt-spiffe";

    /** Adds the client's authentication to a token request: a header, or members of its form. */
    void authenticate(HttpRequest.Builder request, StringBuilder form);

    /** A shared secret. */
    record Secret(String clientId, SecretSource secret, ClientAuthMethod method) implements ClientCredentials {
        @Override
        public void authenticate(HttpRequest.Builder request, StringBuilder form) {
            String value = secret.read();
            if (method.equals(ClientAuthMethod.CLIENT_SECRET_POST)) {
                param(form, "client_id", clientId);
                param(form, "client_secret", value);
            } else {
                // §2.3.1: id and secret are form-encoded before they are joined and base64-encoded,
                // so a ':' in either survives the trip.
                String pair = FormCodec.encodeComponent(clientId) + ":" + FormCodec.encodeComponent(value);
                request.header("Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }
        }

        @Override
        public String toString() {
            return "secret=" + secret;
        }
    }

    /** An assertion signed with the client's private key, new for each request. */
    record PrivateKeyJwt(String clientId, AssertionSigner signer, String audience, Clock clock)
            implements ClientCredentials {
        @Override
        public void authenticate(HttpRequest.Builder request, StringBuilder form) {
            param(form, "client_id", clientId);
            param(form, "client_assertion_type", JWT_BEARER);
            param(form, "client_assertion", signer.sign(clientId, audience, clock.instant()));
        }

        @Override
        public String toString() {
            return signer.toString();
        }
    }

    /** An assertion read from a file at each request: the platform replaces it before it expires. */
    record AssertionFile(@Nullable String clientId, Path file, String type) implements ClientCredentials {
        public AssertionFile {
            Objects.requireNonNull(file, "clientAssertionFile");
            Objects.requireNonNull(type, "type");
        }

        @Override
        public void authenticate(HttpRequest.Builder request, StringBuilder form) {
            String assertion;
            try {
                assertion = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException e) {
                throw new KeycardClientException("client assertion file " + file + " cannot be read ("
                        + e.getClass().getSimpleName() + ")");
            }
            if (assertion.isEmpty()) {
                throw new KeycardClientException("client assertion file " + file + " is empty");
            }
            if (clientId != null) {
                param(form, "client_id", clientId);
            }
            param(form, "client_assertion_type", type);
            param(form, "client_assertion", assertion);
        }

        @Override
        public String toString() {
            return "assertionFile:" + file;
        }
    }

    /**
     * Mutual TLS (RFC 8705 §2): the TLS connection carries the client's certificate (the HTTP
     * client's {@code SSLContext}); the request names the client.
     */
    record TlsClientAuth(String clientId) implements ClientCredentials {
        @Override
        public void authenticate(HttpRequest.Builder request, StringBuilder form) {
            param(form, "client_id", clientId);
        }

        @Override
        public String toString() {
            return "tlsClientAuth";
        }
    }

    /** Appends {@code &name=value}, form-encoded. */
    static void param(StringBuilder form, String name, String value) {
        form.append('&').append(FormCodec.encodeComponent(name)).append('=').append(FormCodec.encodeComponent(value));
    }
}
