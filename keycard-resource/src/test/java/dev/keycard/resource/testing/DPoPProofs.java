package dev.keycard.resource.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * DPoP proofs made with Nimbus alone, as a client independent of Keycard would make them, with
 * hooks to break any one part: a correct ES256 proof for (method, URI) unless a hook changes it.
 */
public final class DPoPProofs {

    private DPoPProofs() {
    }

    /** A proof signed by {@code key}, its public half in the header. */
    public static String proof(ECKey key, String method, String uri, Instant iat, Consumer<JWSHeader.Builder> header,
                               Consumer<JWTClaimsSet.Builder> claims) {
        return proof(key, signer(key), JWSAlgorithm.ES256, method, uri, iat, header, claims);
    }

    /** A proof signed by {@code signer}, whatever the header's key. */
    public static String proof(ECKey key, JWSSigner signer, JWSAlgorithm alg, String method, String uri, Instant iat,
                               Consumer<JWSHeader.Builder> header, Consumer<JWTClaimsSet.Builder> claims) {
        JWSHeader.Builder h = new JWSHeader.Builder(alg).type(new JOSEObjectType("dpop+jwt"))
                .jwk(key.toPublicJWK());
        header.accept(h);
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
                .claim("htm", method).claim("htu", uri).issueTime(Date.from(iat));
        claims.accept(c);
        SignedJWT jwt = new SignedJWT(h.build(), c.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /**
     * A proof with a header written by hand (Nimbus will not put a private or symmetric key in a
     * header), claims for (method, URI) and an ES256 signature by {@code key}.
     */
    public static String rawHeader(ECKey key, String headerJson, String method, String uri, Instant iat) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString()).claim("htm", method)
                .claim("htu", uri).issueTime(Date.from(iat)).build();
        String input = Base64URL.encode(headerJson) + "." + Base64URL.encode(claims.toString());
        try {
            Base64URL signature = signer(key).sign(JWSHeader.parse(new JWSHeader.Builder(JWSAlgorithm.ES256).build()
                    .toJSONObject()), input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + signature;
        } catch (JOSEException | java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JWSSigner signer(ECKey key) {
        try {
            return new ECDSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
