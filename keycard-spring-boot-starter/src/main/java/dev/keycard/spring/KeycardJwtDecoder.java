package dev.keycard.spring;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import dev.keycard.resource.AccessTokenVerifier;
import dev.keycard.resource.TokenVerificationException;
import dev.keycard.resource.VerifiedToken;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Spring Security's {@link JwtDecoder}, backed by keycard-resource's {@link AccessTokenVerifier}:
 * every check of RFC 9068 §4 and RFC 8725 (typ {@code at+jwt}, the issuer, an audience of this API,
 * an asymmetric algorithm of the issuer's key, the times), the verified-token cache and, when
 * subscribed, Keycard's revocation events. The {@link Jwt} it answers has the token's claims, with
 * {@code scope} as Keycard wrote it, so Spring's converter makes {@code SCOPE_…} authorities.
 *
 * <p>A token bound to a key ({@code cnf}: DPoP, RFC 9449, or a client certificate, RFC 8705) is
 * refused: a decoder sees the token alone, not the request's proof or certificate, and a bound
 * token must never pass as a bearer token (RFC 9449 §7.2). Protect APIs that take bound tokens
 * with keycard-resource's adapters.
 *
 * <p>A refused token is a {@link BadJwtException} whose message says only that the token is not
 * valid (Spring writes it as the RFC 6750 {@code error_description}); why goes to keycard-resource's
 * debug log. Keys that could not be fetched at all are a {@link JwtException}: the API's fault.
 */
public final class KeycardJwtDecoder implements JwtDecoder {

    static final String REFUSED = "The access token is not valid";

    private final AccessTokenVerifier verifier;

    public KeycardJwtDecoder(AccessTokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        try {
            return jwt(token, verifier.verify(token));
        } catch (TokenVerificationException.InvalidToken e) {
            throw new BadJwtException(REFUSED);
        } catch (TokenVerificationException.KeysUnavailable e) {
            throw new JwtException("the issuer's keys are not available", e);
        }
    }

    /** The same, without blocking: for the reactive decoder. */
    CompletableFuture<Jwt> decodeAsync(String token) {
        return verifier.verifyAsync(token).handle((verified, failure) -> {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null
                    ? ce.getCause() : failure;
            if (cause instanceof TokenVerificationException.InvalidToken) {
                throw new BadJwtException(REFUSED);
            }
            if (cause != null) {
                throw new JwtException("the issuer's keys are not available", cause);
            }
            return jwt(token, verified);
        });
    }

    static Jwt jwt(String token, VerifiedToken verified) {
        if (verified.isBound()) {
            throw new BadJwtException(REFUSED);
        }
        Map<String, Object> headers;
        try {
            headers = JWSHeader.parse(Base64URL.from(token.substring(0, token.indexOf('.')))).toJSONObject();
        } catch (ParseException e) {
            throw new BadJwtException(REFUSED); // it verified, so this does not happen
        }
        Map<String, Object> claims = new LinkedHashMap<>(verified.claims());
        claims.put(JwtClaimNames.IAT, verified.issuedAt());
        claims.put(JwtClaimNames.EXP, verified.expiresAt());
        claims.put(JwtClaimNames.AUD, verified.audiences());
        claims.remove(JwtClaimNames.NBF);
        return Jwt.withTokenValue(token).headers(h -> h.putAll(headers)).claims(c -> c.putAll(claims)).build();
    }
}
