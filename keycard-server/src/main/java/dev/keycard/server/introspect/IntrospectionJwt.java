package dev.keycard.server.introspect;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.protocol.OAuthError;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.keys.KeyManager;
import dev.keycard.server.keys.SigningKey;
import java.util.Date;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The introspection answer as a signed JWT, RFC 9701 §5, for a caller that asks for it with
 * {@code Accept: application/token-introspection+jwt} (§4): header {@code typ:
 * token-introspection+jwt}, signed with the current RS256 key (the one algorithm every verifier
 * has); claims {@code iss}, {@code aud} (the caller), {@code iat} and {@code token_introspection}
 * (the RFC 7662 §2.2 members). No {@code sub} or {@code exp}, as §5 advises, so it can never pass
 * for an access token.
 */
public final class IntrospectionJwt {

    /** The media type of the request's {@code Accept} and of the answer's {@code Content-Type}. */
    public static final String MEDIA_TYPE = "application/token-introspection+jwt";

    private static final JOSEObjectType TYP = new JOSEObjectType("token-introspection+jwt");

    private final KeyManager keys;
    private final Supplier<String> issuer;

    public IntrospectionJwt(KeyManager keys, Supplier<String> issuer) {
        this.keys = keys;
        this.issuer = issuer;
    }

    /** Whether an {@code Accept} header asks for the JWT answer (a listed type with q above 0). */
    public static boolean isAsked(@Nullable String accept) {
        if (accept == null) {
            return false;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            if (parts[0].trim().equalsIgnoreCase(MEDIA_TYPE) && !hasZeroQuality(parts)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasZeroQuality(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
            if (p.startsWith("q=")) {
                return p.substring(2).matches("0(\\.0{0,3})?");
            }
        }
        return false;
    }

    /**
     * @throws dev.keycard.protocol.OAuthException {@code temporarily_unavailable} when no RS256 key signs
     */
    public String sign(Introspection answer) {
        SigningKey key = keys.ring().current(SigningAlg.RS256).orElseThrow(() ->
                OAuthError.TEMPORARILY_UNAVAILABLE.describe("no signing key is ready; retry shortly")
                        .detail("no key for RS256").toException());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer.get())
                .audience(answer.callerId())
                .issueTime(Date.from(answer.at()))
                .claim("token_introspection", answer.members())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(key.alg().jws()).type(TYP).keyID(key.kid()).build(),
                claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing with key " + key.kid() + " failed", e);
        }
        return jwt.serialize();
    }
}
