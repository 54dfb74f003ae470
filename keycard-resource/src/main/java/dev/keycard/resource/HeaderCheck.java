package dev.keycard.resource;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.resource.TokenVerificationException.InvalidToken;
import java.text.ParseException;
import java.util.Locale;
import java.util.Set;

/**
 * The JOSE header of an access token, checked before any key is looked up: a compact JWS of
 * bounded size, an accepted asymmetric algorithm ({@code none} and HMAC never, RFC 8725 §3.1–3.2),
 * {@code typ} {@code at+jwt} (RFC 9068 §4, RFC 8725 §3.11) and no critical parameters this
 * library would have to understand (RFC 7515 §4.1.11). {@code jku}, {@code x5u}, {@code jwk} and
 * {@code x5c} are left unread: keys come from the issuer's key set only.
 */
final class HeaderCheck {

    /** Compact JWS access tokens are a few hundred bytes to a few KiB; anything longer is refused unread. */
    static final int MAX_TOKEN_LENGTH = 16 * 1024;

    static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512, JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private final Set<JWSAlgorithm> algorithms;

    HeaderCheck(Set<JWSAlgorithm> algorithms) {
        this.algorithms = algorithms;
    }

    Set<JWSAlgorithm> algorithms() {
        return algorithms;
    }

    SignedJWT parse(String token) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidToken("token longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new InvalidToken("not a signed JWT: " + e.getMessage());
        }
        JWSHeader header = jwt.getHeader();
        if (!algorithms.contains(header.getAlgorithm())) {
            throw new InvalidToken("algorithm " + header.getAlgorithm() + " not accepted");
        }
        JOSEObjectType typ = header.getType();
        if (typ == null || !isAtJwt(typ.getType())) {
            throw new InvalidToken("typ is " + typ + ", expected at+jwt (RFC 9068 §4)");
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw new InvalidToken("critical header parameters not understood: " + header.getCriticalParams());
        }
        return jwt;
    }

    /** RFC 9068 §4: {@code at+jwt}, or the full media type; media types compare case-insensitively. */
    private static boolean isAtJwt(String typ) {
        String t = typ.toLowerCase(Locale.ROOT);
        return t.equals(AT_JWT.getType()) || t.equals("application/at+jwt");
    }
}
