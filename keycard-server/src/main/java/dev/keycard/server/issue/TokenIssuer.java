package dev.keycard.server.issue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.TokenResponse;
import dev.keycard.server.keys.KeyRing;
import dev.keycard.server.keys.SigningKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Builds and signs the JWT access token of RFC 9068: header {@code typ: at+jwt} (or {@code JWT}
 * for an API set so, {@link dev.keycard.server.api.AccessTokenType}), {@code kid},
 * {@code alg} (§2.1); claims {@code iss}, {@code exp}, {@code aud}, {@code sub}, {@code client_id},
 * {@code iat}, {@code jti} (§2.2) and {@code scope} (§2.2.3). The audience is always the API; the
 * subject is the client, there being no user in the client credentials grant (§2.2). A token
 * bound to a DPoP key carries its thumbprint in {@code cnf.jkt} and is of type {@code DPoP}
 * (RFC 9449 §5, §6.1).
 */
public final class TokenIssuer {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final Supplier<KeyRing> keys;
    private final Supplier<String> issuer;
    private final SecureRandom random;

    /**
     * @param keys the signing keys as they are now ({@code KeyManager::ring})
     * @param issuer the issuer identifier, {@code iss}
     */
    public TokenIssuer(Supplier<KeyRing> keys, Supplier<String> issuer, SecureRandom random) {
        this.keys = keys;
        this.issuer = issuer;
        this.random = random;
    }

    /** A bearer token. */
    public TokenResponse issue(TokenDecision decision, Instant now) {
        return issue(decision, now, null, null);
    }

    /**
     * A token bound to the DPoP key whose RFC 7638 thumbprint is {@code dpopJkt} ({@code cnf.jkt},
     * type {@code DPoP}) and/or to the client certificate whose SHA-256 thumbprint is {@code x5t}
     * ({@code cnf.x5t#S256}, RFC 8705 §3.1); a bearer token when both are null.
     */
    public TokenResponse issue(TokenDecision decision, Instant now, @Nullable String dpopJkt, @Nullable String x5t) {
        SigningKey key = keys.get().current(decision.api().signingAlg()).orElseThrow(() ->
                OAuthError.TEMPORARILY_UNAVAILABLE.describe("no signing key is ready; retry shortly")
                        .detail("no key for %s", decision.api().signingAlg()).toException());
        Instant expires = now.plus(decision.lifetime());
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer.get())
                .subject(decision.client().id().value())
                .audience(decision.api().identifier())
                .claim("client_id", decision.client().id().value())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .jwtID(newJti());
        if (!decision.scopes().isEmpty()) {
            claims.claim("scope", decision.scopes().toString());
        }
        if (dpopJkt != null || x5t != null) {
            Map<String, Object> cnf = new java.util.LinkedHashMap<>();
            if (dpopJkt != null) {
                cnf.put("jkt", dpopJkt);
            }
            if (x5t != null) {
                cnf.put("x5t#S256", x5t);
            }
            claims.claim("cnf", cnf);
        }
        JWSHeader header = new JWSHeader.Builder(key.alg().jws()).type(decision.api().tokenType().header())
                .keyID(key.kid()).build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing with key " + key.kid() + " failed", e);
        }
        return new TokenResponse(jwt.serialize(), dpopJkt == null ? "Bearer" : "DPoP", decision.lifetime().toSeconds(),
                decision.scopes());
    }

    /** 128 random bits: RFC 9068 §2.2 asks for a jti that will not collide. */
    private String newJti() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return B64URL.encodeToString(b);
    }
}
