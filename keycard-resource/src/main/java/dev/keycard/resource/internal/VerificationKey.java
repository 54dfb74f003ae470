package dev.keycard.resource.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One public key of the issuer's key set, ready to verify: the algorithms it may be used with
 * and a verifier built once, over a key object of the JCA provider that will do the work (with
 * AWS-LC registered first, its own key type, so no conversion happens per token).
 */
public final class VerificationKey {

    /** The algorithms a key of each type may verify when its JWK names none (RFC 7518 §3.1). */
    private static final Map<KeyType, Set<JWSAlgorithm>> BY_TYPE = Map.of(
            KeyType.RSA, Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                    JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512));

    private final @Nullable String kid;
    private final Set<JWSAlgorithm> algorithms;
    private final JWSVerifier verifier;

    private VerificationKey(@Nullable String kid, Set<JWSAlgorithm> algorithms, JWSVerifier verifier) {
        this.kid = kid;
        this.algorithms = algorithms;
        this.verifier = verifier;
    }

    /**
     * The verification key for a JWK, or empty when it is not a public signature key this
     * library verifies with: a symmetric key (never trusted for an access token, RFC 8725 §3.1),
     * a key marked for encryption, an RSA key under 2048 bits, or an unsupported curve.
     */
    public static Optional<VerificationKey> of(JWK jwk) throws GeneralSecurityException, JOSEException {
        if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
            return Optional.empty();
        }
        Set<JWSAlgorithm> algorithms;
        JWSVerifier verifier;
        if (jwk instanceof RSAKey rsa && rsa.size() >= 2048) { // RFC 7518 §3.3: 2048 bits or more
            algorithms = BY_TYPE.get(KeyType.RSA);
            verifier = new RSASSAVerifier((RSAPublicKey) providerKey("RSA", rsa.toRSAPublicKey()));
        } else if (jwk instanceof ECKey ec) {
            algorithms = Set.of(ECDSA.resolveAlgorithm(ec.getCurve()));
            verifier = new EcdsaVerifier(new ECDSAVerifier((ECPublicKey) providerKey("EC", ec.toECPublicKey())));
        } else if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
            algorithms = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
            verifier = new Ed25519Verifier(okp.getX().decode());
        } else {
            return Optional.empty();
        }
        if (jwk.getAlgorithm() != null) {
            JWSAlgorithm named = JWSAlgorithm.parse(jwk.getAlgorithm().getName());
            if (!algorithms.contains(named)) {
                return Optional.empty();
            }
            algorithms = Set.of(named);
        }
        return Optional.of(new VerificationKey(jwk.getKeyID(), algorithms, verifier));
    }

    /** The key re-made by the preferred provider for its type, which is then also the one that verifies. */
    private static PublicKey providerKey(String type, PublicKey key) throws GeneralSecurityException {
        return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(key.getEncoded()));
    }

    public @Nullable String kid() {
        return kid;
    }

    public boolean allows(JWSAlgorithm alg) {
        return algorithms.contains(alg);
    }

    public Set<JWSAlgorithm> algorithms() {
        return algorithms;
    }

    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
        if (!allows(header.getAlgorithm())) {
            return false;
        }
        try {
            return verifier.verify(header, signingInput, signature);
        } catch (JOSEException e) {
            return false;
        }
    }

    /**
     * Rejects an ECDSA signature whose r or s is zero or not below the curve order before any
     * provider sees it: JDK 15–18 accepted r = s = 0 for every message (CVE-2022-21449), and an
     * application may run on such a JDK.
     */
    private record EcdsaVerifier(ECDSAVerifier delegate) implements JWSVerifier {
        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
            ECDSA.ensureLegalSignature(signature.decode(), header.getAlgorithm());
            return delegate.verify(header, signingInput, signature);
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return delegate.supportedJWSAlgorithms();
        }

        @Override
        public com.nimbusds.jose.jca.JCAContext getJCAContext() {
            return delegate.getJCAContext();
        }
    }
}
