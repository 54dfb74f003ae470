package dev.keycard.server.issue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.api.AccessTokenType;
import dev.keycard.server.keys.KeyManager;
import dev.keycard.server.registry.Registry;
import dev.keycard.server.keys.SigningKey;
import java.text.ParseException;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The reverse of {@link TokenIssuer}: whether a string is an access token this Keycard issued, and
 * its claims if so. It is when the header is {@code typ: at+jwt} (or {@code JWT}, for a token whose
 * audience is an API set to issue that type) with the {@code kid} of a key published now (a
 * retired or removed key no longer vouches for anything) and that key's one algorithm (RFC 8725
 * §3.1), the signature verifies, {@code iss} is this issuer, and the claims RFC 9068 §2.2 requires
 * are there. Reads only memory; never throws for what a caller sent.
 */
public final class IssuedTokenVerifier {

    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

    private final KeyManager keys;
    private final Supplier<String> issuer;
    private final Registry registry;

    public IssuedTokenVerifier(KeyManager keys, Supplier<String> issuer, Registry registry) {
        this.keys = keys;
        this.issuer = issuer;
        this.registry = registry;
    }

    /** The token's claims, or empty when it is not a token this server issued, intact. */
    public Optional<IssuedToken> verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JOSEObjectType typ = jwt.getHeader().getType();
            if (!AT_JWT.equals(typ) && !(AccessTokenType.JWT.header().equals(typ)
                    && jwt.getJWTClaimsSet().getAudience().stream().anyMatch(this::issuesJwtType))) {
                return Optional.empty();
            }
            String kid = jwt.getHeader().getKeyID();
            Optional<SigningKey> key = kid == null ? Optional.empty() : keys.ring().byKid(kid);
            if (key.isEmpty() || !key.get().alg().jws().equals(jwt.getHeader().getAlgorithm())
                    || !jwt.verify(key.get().verifier())) {
                return Optional.empty();
            }
            return claims(jwt.getJWTClaimsSet());
        } catch (ParseException | JOSEException | IllegalArgumentException | IllegalStateException e) {
            return Optional.empty(); // not a JWS, or one no key of ours can check
        }
    }

    private Optional<IssuedToken> claims(JWTClaimsSet claims) throws ParseException {
        String jti = claims.getJWTID();
        String clientId = claims.getStringClaim("client_id");
        String subject = claims.getSubject();
        List<String> audience = claims.getAudience();
        String scope = claims.getStringClaim("scope");
        Date iat = claims.getIssueTime();
        Date exp = claims.getExpirationTime();
        if (!issuer.get().equals(claims.getIssuer()) || isEmpty(jti) || isEmpty(clientId) || isEmpty(subject)
                || audience.isEmpty() || iat == null || exp == null) {
            return Optional.empty();
        }
        Map<String, Object> cnf = claims.getJSONObjectClaim("cnf");
        Optional<String> jkt = cnf != null && cnf.get("jkt") instanceof String s ? Optional.of(s) : Optional.empty();
        Optional<String> x5t = cnf != null && cnf.get("x5t#S256") instanceof String s ? Optional.of(s) : Optional.empty();
        return Optional.of(new IssuedToken(jti, clientId, subject, audience, Optional.ofNullable(scope),
                claims.getIssuer(), iat.toInstant(), exp.toInstant(), jkt, x5t));
    }

    private boolean issuesJwtType(String audience) {
        return registry.api(audience).filter(a -> a.tokenType() == AccessTokenType.JWT).isPresent();
    }

    private static boolean isEmpty(@Nullable String value) {
        return value == null || value.isEmpty();
    }
}
