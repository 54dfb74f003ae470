package dev.keycard.resource.testing;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed P-256 client certificates, made with Bouncy Castle, valid for a day. */
public final class SelfSigned {

    private SelfSigned() {
    }

    /** A certificate and its key pair. */
    public record Pair(X509Certificate certificate, KeyPair keys) {
    }

    public static X509Certificate certificate(String subject) {
        return pair(subject).certificate();
    }

    /** A certificate for {@code subject} (with the address 127.0.0.1 as a SAN) and its keys. */
    public static Pair pair(String subject) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name(subject);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    BigInteger.valueOf(System.nanoTime()), Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))),
                    name, keys.getPublic());
            builder.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                    new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName(
                            org.bouncycastle.asn1.x509.GeneralName.iPAddress, "127.0.0.1")));
            return new Pair(new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))), keys);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
