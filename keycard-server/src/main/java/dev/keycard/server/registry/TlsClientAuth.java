package dev.keycard.server.registry;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The one certificate attribute a {@code tls_client_auth} client is known by (RFC 8705 §2.1.2):
 * its certificate must chain to a configured authority and carry exactly this value.
 *
 * @param attribute which attribute
 * @param value the registered value
 */
public record TlsClientAuth(Attribute attribute, String value) {

    /** The five attributes of RFC 8705 §2.1.2, by their client metadata names. */
    public enum Attribute {
        /** {@code tls_client_auth_subject_dn}: the subject DN, RFC 4514, compared as a DN. */
        SUBJECT_DN("tls_client_auth_subject_dn"),
        /** {@code tls_client_auth_san_dns}: a dNSName SAN, compared without case. */
        SAN_DNS("tls_client_auth_san_dns"),
        /** {@code tls_client_auth_san_uri}: a uniformResourceIdentifier SAN, such as a SPIFFE ID. */
        SAN_URI("tls_client_auth_san_uri"),
        /** {@code tls_client_auth_san_ip}: an iPAddress SAN, compared as an address. */
        SAN_IP("tls_client_auth_san_ip"),
        /** {@code tls_client_auth_san_email}: an rfc822Name SAN. */
        SAN_EMAIL("tls_client_auth_san_email");

        private final String metadata;

        Attribute(String metadata) {
            this.metadata = metadata;
        }

        /** The client metadata parameter's name. */
        public String metadata() {
            return metadata;
        }

        /** The attribute stored as {@code name()} lower-cased, or named by its metadata parameter. */
        public static Optional<Attribute> parse(String name) {
            for (Attribute a : values()) {
                if (a.metadata.equals(name) || a.name().toLowerCase(Locale.ROOT).equals(name)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    public TlsClientAuth {
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(value, "value");
    }
}
