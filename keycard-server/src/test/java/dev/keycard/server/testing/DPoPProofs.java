package dev.keycard.server.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.Consumer;

/** DPoP proofs (RFC 9449 §4.2) made with Nimbus alone, as an independent client would, each part breakable. */
public final class DPoPProofs {

    private DPoPProofs() {
    }

    public static ECKey newKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A correct ES256 proof for (method, uri) now. */
    public static String proof(ECKey key, String method, String uri) {
        return proof(key, signer(key), JWSAlgorithm.ES256, method, uri, Instant.now(), h -> { }, c -> { });
    }

    /** A proof whose header and claims the hooks may change, signed by {@code signer} with {@code alg}. */
    public static String proof(ECKey key, JWSSigner signer, JWSAlgorithm alg, String method, String uri, Instant iat,
                               Consumer<JWSHeader.Builder> header, Consumer<JWTClaimsSet.Builder> claims) {
        JWSHeader.Builder h = new JWSHeader.Builder(alg).type(new JOSEObjectType("dpop+jwt")).jwk(key.toPublicJWK());
        header.accept(h);
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).claim("htm", method)
                .claim("htu", uri).issueTime(Date.from(iat));
        claims.accept(c);
        SignedJWT jwt = new SignedJWT(h.build(), c.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** An ES256 signer for {@code key}. */
    public static JWSSigner signer(ECKey key) {
        try {
            return new ECDSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
