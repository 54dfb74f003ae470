package dev.keycard.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates for TLS tests, made with Bouncy Castle: a self-signed server certificate for 127.0.0.1. */
public final class TestCertificates {

    /** A certificate, its key, and where both were written as PEM. */
    public record Issued(X509Certificate certificate, KeyPair keys, Path certFile, Path keyFile) {

        /** A client context that trusts this certificate alone. */
        public SSLContext trustingIt() {
            return trusting(null);
        }

        /**
         * A client context that trusts this certificate and presents {@code client}'s (its
         * certificate and key) when the server asks for one; none when it is null.
         */
        public SSLContext trusting(Issued client) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setCertificateEntry("server", certificate);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                javax.net.ssl.KeyManager[] keyManagers = null;
                if (client != null) {
                    KeyStore own = KeyStore.getInstance("PKCS12");
                    own.load(null, null);
                    own.setKeyEntry("client", client.keys().getPrivate(), new char[0],
                            new java.security.cert.Certificate[] {client.certificate()});
                    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                            javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
                    kmf.init(own, new char[0]);
                    keyManagers = kmf.getKeyManagers();
                }
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keyManagers, tmf.getTrustManagers(), null);
                return context;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private TestCertificates() {
    }

    /** A P-256 certificate for {@code CN=name} and the address 127.0.0.1, valid for a day, written to {@code dir}. */
    public static Issued selfSigned(String name, Path dir) {
        Instant now = Instant.now();
        return make(null, name, "CN=" + name, List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")), now.minusSeconds(60), now.plus(Duration.ofDays(1)), dir,
                null);
    }

    /**
     * A P-256 certificate for {@code subject} issued by {@code ca} (its key signs it), with these
     * subject alternative names (BC {@link GeneralName}s), valid from {@code notBefore} to
     * {@code notAfter}, written to {@code dir} as {@code name.crt} and {@code name.key}.
     */
    public static Issued issuedBy(Issued ca, String name, String subject, List<GeneralName> sans, Instant notBefore,
                                  Instant notAfter, Path dir) {
        return make(ca, name, subject, sans, notBefore, notAfter, dir, null);
    }

    /** Like {@link #issuedBy}, for a certificate whose extended key usage is {@code usage} alone. */
    public static Issued issuedFor(org.bouncycastle.asn1.x509.KeyPurposeId usage, Issued ca, String name, String subject,
                                   List<GeneralName> sans, Path dir) {
        Instant now = Instant.now();
        return make(ca, name, subject, sans, now.minusSeconds(60), now.plus(Duration.ofDays(1)), dir, usage);
    }

    /** Signed by {@code ca}, or by its own key when it is null. */
    private static Issued make(Issued ca, String name, String subject, List<GeneralName> sans, Instant notBefore,
                               Instant notAfter, Path dir, org.bouncycastle.asn1.x509.KeyPurposeId usage) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            // The DER as the JDK writes a DN (RFC 4514 order), so that the certificate's subject reads as given.
            X500Name owner = X500Name.getInstance(new javax.security.auth.x500.X500Principal(subject).getEncoded());
            X500Name issuer = ca == null ? owner : X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(System.nanoTime()), Date.from(notBefore), Date.from(notAfter), owner, keys.getPublic());
            if (!sans.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            if (usage != null) {
                builder.addExtension(Extension.extendedKeyUsage, false, new org.bouncycastle.asn1.x509.ExtendedKeyUsage(usage));
            }
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build((ca == null ? keys : ca.keys()).getPrivate())));
            Path certFile = dir.resolve(name + ".crt");
            Path keyFile = dir.resolve(name + ".key");
            write(certFile, "CERTIFICATE", cert.getEncoded());
            write(keyFile, "PRIVATE KEY", keys.getPrivate().getEncoded());
            return new Issued(cert, keys, certFile, keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A certificate revocation list (RFC 5280 §5) of {@code ca} listing {@code revoked}, current from
     * {@code thisUpdate} to {@code nextUpdate}, written to {@code file} as PEM.
     */
    public static void crl(Issued ca, List<Issued> revoked, Instant thisUpdate, Instant nextUpdate, Path file) {
        try {
            org.bouncycastle.cert.X509v2CRLBuilder builder = new org.bouncycastle.cert.X509v2CRLBuilder(
                    X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            for (Issued r : revoked) {
                builder.addCRLEntry(r.certificate().getSerialNumber(), Date.from(thisUpdate),
                        org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
            }
            write(file, "X509 CRL", builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                    .build(ca.keys().getPrivate())).getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code der} as PEM, through a file moved into place (as a certificate tool or cert-manager does). */
    public static void write(Path file, String type, byte[] der) throws IOException {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        Files.writeString(part, "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(der) + "\n-----END " + type + "-----\n");
        Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
