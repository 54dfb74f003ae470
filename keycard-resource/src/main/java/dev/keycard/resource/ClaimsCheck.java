package dev.keycard.resource;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.resource.TokenVerificationException.InvalidToken;
import java.text.ParseException;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The claims of a signed access token, checked as RFC 9068 §4 requires: the required claims of
 * §2.2 present, {@code iss} exactly the issuer, {@code aud} containing an expected audience, and
 * {@code exp}, {@code nbf} and {@code iat} consistent with now, give or take the skew.
 */
final class ClaimsCheck {

    private final String issuer;
    private final Set<String> audiences;
    private final long skewMillis;

    ClaimsCheck(String issuer, Set<String> audiences, long skewMillis) {
        this.issuer = issuer;
        this.audiences = audiences;
        this.skewMillis = skewMillis;
    }

    VerifiedToken check(SignedJWT jwt, long now) {
        JWTClaimsSet c;
        try {
            c = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidToken("claims are not a JSON object: " + e.getMessage());
        }
        String iss = string(c, "iss");
        if (!issuer.equals(iss)) {
            throw new InvalidToken("iss " + iss + " is not " + issuer);
        }
        List<String> aud = c.getAudience();
        if (aud.stream().noneMatch(audiences::contains)) {
            throw new InvalidToken("aud " + aud + " names none of " + audiences);
        }
        Date exp = date(c, "exp");
        Date iat = date(c, "iat");
        if (now >= exp.getTime() + skewMillis) {
            throw new InvalidToken("expired at " + exp.toInstant());
        }
        Date nbf = dateOrNull(c, "nbf");
        if (nbf != null && now + skewMillis < nbf.getTime()) {
            throw new InvalidToken("not valid before " + nbf.toInstant());
        }
        if (now + skewMillis < iat.getTime()) {
            throw new InvalidToken("issued in the future, at " + iat.toInstant());
        }
        String sub = string(c, "sub");
        String clientId = string(c, "client_id");
        String jti = string(c, "jti");
        ScopeSet scopes;
        try {
            Object scope = c.getClaim("scope");
            scopes = scope == null || "".equals(scope) ? ScopeSet.empty() : ScopeSet.parse((String) scope);
        } catch (ClassCastException | IllegalArgumentException e) {
            throw new InvalidToken("scope is not a space-separated list of scope tokens");
        }
        return new VerifiedToken(iss, sub, clientId, aud, scopes, iat.toInstant(), exp.toInstant(), jti, c.toJSONObject());
    }

    private static String string(JWTClaimsSet c, String name) {
        try {
            String value = c.getStringClaim(name);
            if (value == null || value.isEmpty()) {
                throw new InvalidToken("required claim " + name + " is missing (RFC 9068 §2.2)");
            }
            return value;
        } catch (ParseException e) {
            throw new InvalidToken("claim " + name + " is not a string");
        }
    }

    private static Date date(JWTClaimsSet c, String name) {
        Date d = dateOrNull(c, name);
        if (d == null) {
            throw new InvalidToken("required claim " + name + " is missing (RFC 9068 §2.2)");
        }
        return d;
    }

    private static @Nullable Date dateOrNull(JWTClaimsSet c, String name) {
        try {
            return c.getDateClaim(name);
        } catch (ParseException e) {
            throw new InvalidToken("claim " + name + " is not a NumericDate");
        }
    }
}
