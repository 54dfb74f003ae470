package dev.keycard.server.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.keycard.server.api.SigningAlg;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Optional;

/**
 * Generates signing keys as JWKs and turns a stored private JWK into a ready signer. Key objects
 * are converted to the signing provider's own once, when loaded: a JDK key object handed to the
 * AWS-LC provider signs RS256 no faster than the JDK (floor.md).
 */
final class KeyMaterial {

    private final Optional<Provider> provider;

    KeyMaterial(Optional<Provider> provider) {
        this.provider = provider;
    }

    /** A new private JWK for {@code alg}, with {@code kid}, {@code alg} and {@code use=sig} set. */
    JWK generate(SigningAlg alg, String kid) throws GeneralSecurityException {
        return switch (alg) {
            case RS256, PS256 -> {
                KeyPair kp = generator("RSA", 2048);
                yield new RSAKey.Builder((RSAPublicKey) kp.getPublic()).privateKey((RSAPrivateKey) kp.getPrivate())
                        .keyID(kid).algorithm(alg.jws()).keyUse(KeyUse.SIGNATURE).build();
            }
            case ES256 -> {
                KeyPairGenerator g = provider.isPresent() ? KeyPairGenerator.getInstance("EC", provider.get())
                        : KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair kp = g.generateKeyPair();
                yield new ECKey.Builder(Curve.P_256, (ECPublicKey) kp.getPublic())
                        .privateKey((ECPrivateKey) kp.getPrivate())
                        .keyID(kid).algorithm(alg.jws()).keyUse(KeyUse.SIGNATURE).build();
            }
            case EdDSA -> {
                KeyPair kp = generator("Ed25519", 0);
                byte[] d = ((EdECPrivateKey) kp.getPrivate()).getBytes()
                        .orElseThrow(() -> new GeneralSecurityException("Ed25519 private key has no raw bytes"));
                yield new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Ed25519Jca.rawPublic(kp.getPublic())))
                        .d(Base64URL.encode(d)).keyID(kid).algorithm(alg.jws()).keyUse(KeyUse.SIGNATURE).build();
            }
        };
    }

    /** A signer for a private JWK, checked by signing once, so a provider gap shows at start. */
    JWSSigner signer(SigningAlg alg, JWK jwk) throws GeneralSecurityException, JOSEException {
        try {
            return selfTested(alg, jwk, signerWith(alg, jwk, provider));
        } catch (GeneralSecurityException | JOSEException e) {
            if (provider.isEmpty()) {
                throw e;
            }
            // The native provider lacks this algorithm (or its key form): the JDK signs instead.
            return selfTested(alg, jwk, signerWith(alg, jwk, Optional.empty()));
        }
    }

    /** A verifier for a public JWK. */
    JWSVerifier verifier(SigningAlg alg, JWK jwk) throws GeneralSecurityException, JOSEException {
        return JwsVerifiers.of(alg, jwk);
    }

    private JWSSigner signerWith(SigningAlg alg, JWK jwk, Optional<Provider> p)
            throws GeneralSecurityException, JOSEException {
        JWSSigner signer = switch (alg) {
            case RS256, PS256 -> new RSASSASigner(translate("RSA", jwk.toRSAKey().toRSAPrivateKey(), p));
            case ES256 -> new ECDSASigner((ECPrivateKey) translate("EC", jwk.toECKey().toECPrivateKey(), p));
            case EdDSA -> new Ed25519Jca.Signer(Ed25519Jca.privateKey(jwk.toOctetKeyPair().getD().decode(), p), p);
        };
        p.ifPresent(signer.getJCAContext()::setProvider);
        return signer;
    }

    private JWSSigner selfTested(SigningAlg alg, JWK jwk, JWSSigner signer)
            throws GeneralSecurityException, JOSEException {
        JWSHeader header = new JWSHeader.Builder(alg.jws()).keyID(jwk.getKeyID()).build();
        byte[] input = "keycard self-test".getBytes(StandardCharsets.US_ASCII);
        Base64URL signature = signer.sign(header, input);
        if (!verifier(alg, jwk.toPublicJWK()).verify(header, input, signature)) {
            throw new GeneralSecurityException("signer for " + alg + " failed its self-test");
        }
        return signer;
    }

    private static PrivateKey translate(String algorithm, PrivateKey key, Optional<Provider> p)
            throws GeneralSecurityException {
        return p.isPresent() ? (PrivateKey) KeyFactory.getInstance(algorithm, p.get()).translateKey(key) : key;
    }

    private KeyPair generator(String algorithm, int size) throws GeneralSecurityException {
        KeyPairGenerator g = provider.isPresent() ? KeyPairGenerator.getInstance(algorithm, provider.get())
                : KeyPairGenerator.getInstance(algorithm);
        if (size > 0) {
            g.initialize(size);
        }
        return g.generateKeyPair();
    }
}
