package dev.keycard.server.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * EdDSA (Ed25519, RFC 8037 §3.1) through JCA. Nimbus signs Ed25519 with Tink; this routes it to
 * the configured JCA provider instead, which with AWS-LC signs in 12 µs where Tink takes 79
 * (floor.md). Only the signature is computed here; Nimbus still builds and serializes the JWS.
 */
final class Ed25519Jca {

    private Ed25519Jca() {
    }

    static PrivateKey privateKey(byte[] d, Optional<Provider> provider) throws GeneralSecurityException {
        KeyFactory kf = provider.isPresent() ? KeyFactory.getInstance("Ed25519", provider.get())
                : KeyFactory.getInstance("Ed25519");
        return kf.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, d));
    }

    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410 §4); the raw key follows. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    /** The public key whose raw 32 bytes (a JWK's {@code x}, RFC 8037 §2) are {@code x}. */
    static PublicKey publicKey(byte[] x) throws GeneralSecurityException {
        if (x.length != 32) {
            throw new GeneralSecurityException("an Ed25519 public key is 32 bytes");
        }
        byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + x.length);
        System.arraycopy(x, 0, spki, SPKI_PREFIX.length, x.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    /** The raw 32-byte public key from its X.509 encoding. */
    static byte[] rawPublic(PublicKey key) {
        byte[] enc = key.getEncoded();
        return Arrays.copyOfRange(enc, enc.length - 32, enc.length);
    }

    private static Signature signature(Optional<Provider> provider) throws GeneralSecurityException {
        return provider.isPresent() ? Signature.getInstance("Ed25519", provider.get()) : Signature.getInstance("Ed25519");
    }

    /** A Nimbus verifier for EdDSA over a JCA public key: the signer's self-test, introspection, the admin API. */
    static final class Verifier implements JWSVerifier {
        private final PublicKey key;
        private final JCAContext context = new JCAContext();

        Verifier(PublicKey key) {
            this.key = key;
        }

        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key);
                s.update(signingInput);
                return s.verify(signature.decode());
            } catch (GeneralSecurityException e) {
                return false;
            }
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
        }

        @Override
        public JCAContext getJCAContext() {
            return context;
        }
    }

    /** A Nimbus signer for EdDSA over a JCA private key. */
    static final class Signer implements JWSSigner {
        private final PrivateKey key;
        private final Optional<Provider> provider;
        private final JCAContext context = new JCAContext();

        Signer(PrivateKey key, Optional<Provider> provider) {
            this.key = key;
            this.provider = provider;
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                throw new JOSEException("this signer does EdDSA only");
            }
            try {
                Signature s = signature(provider);
                s.initSign(key);
                s.update(signingInput);
                return Base64URL.encode(s.sign());
            } catch (GeneralSecurityException e) {
                throw new JOSEException("Ed25519 signing failed: " + e.getMessage(), e);
            }
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return Set.of(JWSAlgorithm.EdDSA);
        }

        @Override
        public JCAContext getJCAContext() {
            return context;
        }
    }
}
