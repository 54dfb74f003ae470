package dev.keycard.server.admin;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.client.ClientAssertions;
import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a client may register as its {@code private_key_jwt} keys (RFC 7591 §2): a JWK Set of
 * public signing keys Keycard can verify with (RSA of at least 2048 bits, EC P-256, Ed25519),
 * never a private or symmetric key; or an absolute https URL of one (http only where
 * {@code client-assertion.allow-http-jwks-uri} allows it, for development).
 */
public final class ClientKeyRules {

    /** The most keys one client registers inline. */
    static final int MAX_KEYS = 10;
    /** The largest inline JWK Set, in characters of JSON. */
    public static final int MAX_JWKS_CHARS = 32 * 1024;
    private static final int MIN_RSA_BITS = 2048;

    private ClientKeyRules() {
    }

    /** What is wrong with an inline JWK Set, if anything. */
    public static Optional<String> jwksProblem(String json) {
        if (json.length() > MAX_JWKS_CHARS) {
            return Optional.of("is larger than " + MAX_JWKS_CHARS + " characters");
        }
        List<JWK> keys;
        try {
            keys = JWKSet.parse(json).getKeys();
        } catch (ParseException e) {
            return Optional.of("is not a JWK Set (RFC 7517 §5): " + ascii(e.getMessage()));
        }
        if (keys.isEmpty()) {
            return Optional.of("holds no key");
        }
        if (keys.size() > MAX_KEYS) {
            return Optional.of("holds more than " + MAX_KEYS + " keys");
        }
        Set<String> kids = new HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
            JWK key = keys.get(i);
            String which = "key " + (key.getKeyID() == null ? "#" + (i + 1) : "'" + ascii(key.getKeyID()) + "'");
            if (key.getKeyID() != null && !kids.add(key.getKeyID())) {
                return Optional.of(which + " appears twice");
            }
            if (KeyType.OCT.equals(key.getKeyType())) {
                return Optional.of(which + " is a symmetric key (oct): private_key_jwt takes public keys only");
            }
            if (key.isPrivate()) {
                return Optional.of(which + " holds private parameters: register the public key only");
            }
            if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
                return Optional.of(which + " is not for signatures (use must be sig)");
            }
            Optional<String> type = typeProblem(key);
            if (type.isPresent()) {
                return Optional.of(which + " " + type.get());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> typeProblem(JWK key) {
        KeyType kty = key.getKeyType();
        if (KeyType.RSA.equals(kty)) {
            return key.size() < MIN_RSA_BITS ? Optional.of("is an RSA key under " + MIN_RSA_BITS + " bits")
                    : Optional.empty();
        }
        if (KeyType.EC.equals(kty)) {
            return Curve.P_256.equals(key.toECKey().getCurve()) ? Optional.empty()
                    : Optional.of("is an EC key on a curve other than P-256");
        }
        if (KeyType.OKP.equals(kty)) {
            return Curve.Ed25519.equals(key.toOctetKeyPair().getCurve()) ? Optional.empty()
                    : Optional.of("is an OKP key other than Ed25519");
        }
        return Optional.of("is of type " + kty + ": only RSA, EC (P-256) and OKP (Ed25519) public keys are accepted");
    }

    /** What is wrong with a {@code jwks_uri}, if anything. */
    public static Optional<String> jwksUriProblem(String value, boolean allowHttp) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return Optional.of("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getFragment() != null || uri.getUserInfo() != null) {
            return Optional.of("must be an absolute URL with a host, without user info or fragment");
        }
        if (scheme.equals("https") || (allowHttp && scheme.equals("http"))) {
            return Optional.empty();
        }
        return Optional.of(allowHttp ? "must be an http or https URL"
                : "must be an https URL (client-assertion.allow-http-jwks-uri allows http, for development)");
    }

    /** What is wrong with a {@code token_endpoint_auth_signing_alg}, if anything. */
    public static Optional<String> algProblem(String alg) {
        return SigningAlg.named(alg).filter(ClientAssertions.ALGORITHMS::contains).isPresent() ? Optional.empty()
                : Optional.of("must be one of " + ClientAssertions.ALGORITHMS);
    }

    private static String ascii(String text) {
        String cut = text.length() > 80 ? text.substring(0, 80) : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /**
     * What is wrong with the value of a {@code tls_client_auth} attribute (RFC 8705 §2.1.2), if
     * anything: a subject DN that RFC 4514 cannot parse, an IP SAN that is no address literal, a URI
     * SAN that is not absolute, a DNS or email SAN with spaces.
     */
    public static Optional<String> tlsValueProblem(dev.keycard.server.registry.TlsClientAuth.Attribute attribute,
                                                   String value) {
        if (value.isBlank()) {
            return Optional.of("must not be empty");
        }
        switch (attribute) {
            case SUBJECT_DN -> {
                try {
                    new javax.security.auth.x500.X500Principal(value);
                } catch (IllegalArgumentException e) {
                    return Optional.of("is not a distinguished name (RFC 4514), e.g. CN=batch-worker,O=Acme");
                }
            }
            case SAN_IP -> {
                boolean withPort = value.contains("[") || (value.contains(".") && value.contains(":"));
                if (withPort || dev.keycard.server.config.AddressRanges.address(value).isEmpty()) {
                    return Optional.of("is not an IPv4 or IPv6 address");
                }
            }
            case SAN_URI -> {
                try {
                    if (!new java.net.URI(value).isAbsolute()) {
                        return Optional.of("must be an absolute URI, e.g. spiffe://prod.acme/ns/jobs/sa/worker");
                    }
                } catch (java.net.URISyntaxException e) {
                    return Optional.of("must be an absolute URI, e.g. spiffe://prod.acme/ns/jobs/sa/worker");
                }
            }
            case SAN_DNS, SAN_EMAIL -> {
                if (value.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
                    return Optional.of("must be printable ASCII without spaces");
                }
            }
        }
        return Optional.empty();
    }
}
