package dev.keycard.server.api;

import com.nimbusds.jose.JOSEObjectType;
import java.util.Arrays;
import java.util.Optional;

/**
 * The JOSE {@code typ} of an API's access tokens. {@code at+jwt} is RFC 9068's (§2.1), and what a
 * verifier checks to tell an access token from any other JWT the same issuer signs (§4, RFC 8725
 * §3.11). {@code JWT} is for resource servers that cannot be told about {@code at+jwt} (Spring
 * Boot's default validator accepts {@code JWT} only); it gives that protection up. A closed set.
 */
public enum AccessTokenType {
    /** RFC 9068: {@code typ: at+jwt}. The default. */
    AT_JWT("at+jwt"),
    /** {@code typ: JWT} (RFC 7519 §5.1), for verifiers that accept nothing else. */
    JWT("JWT");

    private final JOSEObjectType header;

    AccessTokenType(String value) {
        this.header = new JOSEObjectType(value);
    }

    /** As the header and the admin API write it: {@code at+jwt} or {@code JWT}. */
    public String value() {
        return header.getType();
    }

    public JOSEObjectType header() {
        return header;
    }

    /** The type written exactly {@code value}. */
    public static Optional<AccessTokenType> named(String value) {
        return Arrays.stream(values()).filter(t -> t.value().equals(value)).findFirst();
    }
}
