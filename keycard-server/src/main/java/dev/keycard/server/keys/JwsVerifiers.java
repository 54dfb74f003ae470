package dev.keycard.server.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.keycard.server.api.SigningAlg;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;

/**
 * Signature verifiers for public JWKs, made through the JCA's preferred provider (AWS-LC when it
 * is registered): the server's own keys, and the keys clients sign their assertions with.
 */
public final class JwsVerifiers {

    private JwsVerifiers() {
    }

    /**
     * The key re-made by the preferred provider for its type: AWS-LC verifies with its own key
     * objects, and would otherwise translate a JDK key at every verification.
     */
    private static PublicKey preferred(String type, PublicKey key) throws GeneralSecurityException {
        return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(key.getEncoded()));
    }

    /**
     * A verifier of {@code alg} signatures by {@code jwk}.
     *
     * @throws JOSEException when the JWK is not a public key for {@code alg} (an RSA key for
     *     ES256, a P-384 key, an X25519 key for EdDSA)
     */
    public static JWSVerifier of(SigningAlg alg, JWK jwk) throws GeneralSecurityException, JOSEException {
        return switch (alg) {
            case RS256, PS256 -> new RSASSAVerifier((RSAPublicKey) preferred("RSA", jwk.toRSAKey().toRSAPublicKey()));
            case ES256 -> {
                if (!Curve.P_256.equals(jwk.toECKey().getCurve())) {
                    throw new JOSEException("ES256 needs a P-256 key");
                }
                yield new ECDSAVerifier((ECPublicKey) preferred("EC", jwk.toECKey().toECPublicKey()));
            }
            case EdDSA -> {
                OctetKeyPair okp = jwk.toOctetKeyPair();
                if (!Curve.Ed25519.equals(okp.getCurve())) {
                    throw new JOSEException("EdDSA needs an Ed25519 key");
                }
                yield new Ed25519Jca.Verifier(Ed25519Jca.publicKey(okp.getX().decode()));
            }
        };
    }
}
