package dev.keycard.server.client;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64;
import dev.keycard.server.config.AddressRanges;
import dev.keycard.server.registry.ClientKeys;
import dev.keycard.server.registry.TlsClientAuth;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks of mutual-TLS client authentication (RFC 8705 §2) on a certificate the TLS layer
 * accepted without judging it (it only proved the client holds the key): for
 * {@code tls_client_auth}, a PKIX path from the certificate to an authority of
 * {@code tls.client-ca-file}, valid now (RFC 5280 §6), then exactly the registered attribute
 * (§2.1.2); for {@code self_signed_tls_client_auth}, a certificate valid now that is one the client
 * registered in its {@code jwks} ({@code x5c}, §2.2). Judging here rather than in the handshake
 * lets a certificate from another authority, an expired one, or a self-signed one reach the
 * endpoint and be answered {@code invalid_client}, as RFC 6749 §5.2 asks, not a broken connection.
 * With {@code tls.client-crl-file}, the path's certificates are also checked against the
 * authorities' revocation lists (RFC 5280 §6.3), from that file only (no OCSP, no fetching), and
 * fail closed: a certificate whose issuer has no current list there is refused. Both files are
 * read again when they change (their modification times are looked at once a second at most).
 */
public final class ClientCertificates {

    private static final Logger LOG = LoggerFactory.getLogger(ClientCertificates.class);

    private final Watched<Set<TrustAnchor>> anchors;
    private final @Nullable Watched<List<X509CRL>> crls;
    /**
     * The lists whose signature verified, with the key it verified with; by identity, as the lists
     * read stay the same objects until the file changes (a CRL's own hashCode hashes all its bytes).
     */
    private final java.util.Map<X509CRL, java.security.PublicKey> verified =
            java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    /** How often a file's modification time is looked at: not on every authentication. */
    private static final long CHECK_NANOS = 1_000_000_000L;

    /**
     * @param caFile {@code tls.client-ca-file}: the authorities of {@code tls_client_auth} certificates
     * @param crlFile {@code tls.client-crl-file}: their revocation lists, when revocation is checked
     */
    public ClientCertificates(Optional<Path> caFile, Optional<Path> crlFile) {
        this.anchors = new Watched<>("tls.client-ca-file", caFile.orElse(null), Set.of(), in -> {
            Set<TrustAnchor> read = new HashSet<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                read.add(new TrustAnchor((X509Certificate) c, null));
            }
            return Set.copyOf(read);
        });
        this.crls = crlFile.map(file -> new Watched<List<X509CRL>>("tls.client-crl-file", file, List.of(), in -> {
            List<X509CRL> read = new ArrayList<>();
            for (java.security.cert.CRL crl : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
                read.add((X509CRL) crl);
            }
            Instant now = Instant.now();
            for (X509CRL crl : read) {
                Set<String> critical = crl.getCriticalExtensionOIDs();
                if (crl.getNextUpdate() == null || (critical != null && !critical.isEmpty())) {
                    LOG.warn("tls.client-crl-file: the list of {} has no nextUpdate, or critical extensions"
                            + " (a delta list?), so it is not used", crl.getIssuerX500Principal());
                } else if (crl.getNextUpdate().toInstant().isBefore(now)) {
                    LOG.warn("tls.client-crl-file: the list of {} expired at {}; its certificates are refused until a"
                            + " current one is in the file", crl.getIssuerX500Principal(), crl.getNextUpdate().toInstant());
                }
            }
            return List.copyOf(read);
        })).orElse(null);
        anchors.get();
        if (crls != null) {
            crls.get();
        }
    }

    /**
     * Whether {@code chain} (leaf first) is a valid path to a configured authority at {@code now},
     * for a client: a leaf that names its extended key usages must name clientAuth (RFC 5280
     * §4.2.1.12), so that a server certificate of the same authority does not pass as a client's.
     */
    boolean chainsToAuthority(List<X509Certificate> chain, Instant now) {
        Set<TrustAnchor> trusted = anchors.get();
        if (trusted.isEmpty() || chain.isEmpty() || !forClients(chain.get(0))) {
            return false;
        }
        List<X509Certificate> path = new ArrayList<>(chain);
        // A client may send its authority too; the path ends below the anchor.
        while (path.size() > 1 && trusted.stream().anyMatch(a -> path.get(path.size() - 1).equals(a.getTrustedCert()))) {
            path.remove(path.size() - 1);
        }
        try {
            PKIXParameters params = new PKIXParameters(trusted);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            PKIXCertPathValidatorResult valid = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            Watched<List<X509CRL>> lists = crls;
            return lists == null || notRevoked(path, valid.getTrustAnchor(), lists.get(), now);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Whether no certificate of a validated {@code path} (leaf first, below {@code anchor}) is
     * revoked, by the lists of {@code tls.client-crl-file} alone (RFC 5280 §6.3, done here rather
     * than by the JDK's checker, which would fetch from a certificate's distribution point when the
     * file has no usable list). Fails closed: each certificate needs a list from its issuer, signed
     * with the issuer's key, current at {@code now} (thisUpdate ≤ now ≤ nextUpdate), and without
     * critical extensions this check does not handle (a delta list, an issuing distribution point).
     * The anchor itself is not checked: it is trusted as configured.
     */
    private boolean notRevoked(List<X509Certificate> path, TrustAnchor anchor, List<X509CRL> lists, Instant now) {
        for (int i = 0; i < path.size(); i++) {
            X509Certificate cert = path.get(i);
            java.security.PublicKey issuerKey = i + 1 < path.size() ? path.get(i + 1).getPublicKey()
                    : anchor.getTrustedCert().getPublicKey();
            X509CRL list = lists.stream().filter(crl -> usable(crl, cert, issuerKey, now)).findFirst().orElse(null);
            if (list == null) {
                warnNoList(cert.getIssuerX500Principal());
                return false;
            }
            if (list.isRevoked(cert)) {
                return false;
            }
        }
        return true;
    }

    private boolean usable(X509CRL crl, X509Certificate cert, java.security.PublicKey issuerKey, Instant now) {
        if (!crl.getIssuerX500Principal().equals(cert.getIssuerX500Principal()) || crl.getNextUpdate() == null
                || crl.getThisUpdate().toInstant().isAfter(now) || crl.getNextUpdate().toInstant().isBefore(now)) {
            return false;
        }
        Set<String> critical = crl.getCriticalExtensionOIDs();
        if (critical != null && !critical.isEmpty()) {
            return false;
        }
        if (issuerKey.equals(verified.get(crl))) {
            return true; // its signature was checked with this key before: not once per request
        }
        try {
            crl.verify(issuerKey);
        } catch (GeneralSecurityException e) {
            return false;
        }
        if (verified.size() > 1_000) {
            verified.clear(); // lists replaced on disk leave their old entries behind
        }
        verified.put(crl, issuerKey);
        return true;
    }

    private static volatile long lastNoListWarning = System.nanoTime() - 120_000_000_000L;

    /** Says, at most once a minute, that an authority's certificates are refused for want of a current list. */
    private static void warnNoList(X500Principal issuer) {
        long now = System.nanoTime();
        if (now - lastNoListWarning > 60_000_000_000L) {
            lastNoListWarning = now;
            LOG.warn("tls.client-crl-file holds no current, verifiable revocation list of {}: its certificates are"
                    + " refused until one is there", issuer);
        }
    }

    /** No extended key usage, or one that includes clientAuth or anyExtendedKeyUsage. */
    static boolean forClients(X509Certificate leaf) {
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            return usages == null || usages.contains("1.3.6.1.5.5.7.3.2") || usages.contains("2.5.29.37.0");
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
    }

    /** Whether the leaf is within its validity period at {@code now}. */
    static boolean current(X509Certificate leaf, Instant now) {
        try {
            leaf.checkValidity(Date.from(now));
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** RFC 8705 §2.1.2: the certificate carries the registered attribute's value. */
    static boolean matches(TlsClientAuth registered, X509Certificate cert) {
        String value = registered.value();
        return switch (registered.attribute()) {
            case SUBJECT_DN -> {
                try {
                    yield new X500Principal(value).equals(cert.getSubjectX500Principal());
                } catch (IllegalArgumentException e) {
                    yield false;
                }
            }
            case SAN_DNS -> sans(cert, 2).stream().anyMatch(s -> s.equalsIgnoreCase(value));
            case SAN_URI -> sans(cert, 6).contains(value);
            case SAN_EMAIL -> sans(cert, 1).contains(value);
            case SAN_IP -> {
                Optional<String> wanted = address(value);
                yield wanted.isPresent() && sans(cert, 7).stream().map(ClientCertificates::address)
                        .anyMatch(a -> a.equals(wanted));
            }
        };
    }

    /** RFC 8705 §2.2: the certificate is the first of some key's {@code x5c} in the client's inline {@code jwks}. */
    static boolean registered(ClientKeys keys, X509Certificate cert) {
        if (keys.jwks().isEmpty()) {
            return false;
        }
        byte[] der;
        try {
            der = cert.getEncoded();
            for (JWK key : JWKSet.parse(keys.jwks().get()).getKeys()) {
                List<Base64> x5c = key.getX509CertChain();
                if (x5c != null && !x5c.isEmpty() && Arrays.equals(x5c.get(0).decode(), der)) {
                    return true;
                }
            }
        } catch (GeneralSecurityException | ParseException e) {
            return false;
        }
        return false;
    }

    /** {@code x5t#S256} (RFC 8705 §3.1), computed as keycard-resource checks it. */
    public static String thumbprint(X509Certificate cert) {
        return dev.keycard.resource.BearerAuthentication.certificateThumbprint(cert);
    }

    private static List<String> sans(X509Certificate cert, int type) {
        try {
            Collection<List<?>> all = cert.getSubjectAlternativeNames();
            if (all == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (List<?> san : all) {
                if (san.size() >= 2 && san.get(0) instanceof Integer t && t == type && san.get(1) instanceof String v) {
                    out.add(v);
                }
            }
            return out;
        } catch (GeneralSecurityException e) {
            return List.of();
        }
    }

    /** The address in its one text form, so that {@code ::1} and {@code 0:0:0:0:0:0:0:1} compare equal. */
    private static Optional<String> address(String literal) {
        return AddressRanges.address(literal);
    }

    /** What a file holds, parsed; may throw when the file is not what it should be. */
    @FunctionalInterface
    private interface Parser<T> {
        T parse(InputStream in) throws IOException, GeneralSecurityException;
    }

    /**
     * A file's contents, read again when its modification time changes (looked at once a second at
     * most); when it cannot be read or parsed, what was read before stays, with a warning.
     */
    private static final class Watched<T> {
        private final String setting;
        private final @Nullable Path file;
        private final Parser<T> parser;
        private volatile Read<T> read;

        private record Read<T>(@Nullable FileTime modified, T value, long checkedNanos) {
        }

        Watched(String setting, @Nullable Path file, T empty, Parser<T> parser) {
            this.setting = setting;
            this.file = file;
            this.parser = parser;
            this.read = new Read<>(null, empty, System.nanoTime() - 2 * CHECK_NANOS);
        }

        T get() {
            Path f = file;
            Read<T> current = read;
            if (f == null) {
                return current.value();
            }
            long now = System.nanoTime();
            if (current.modified() != null && now - current.checkedNanos() < CHECK_NANOS) {
                return current.value();
            }
            return reload(f, now);
        }

        /** One thread at a time, so that an older read never replaces a newer one. */
        private synchronized T reload(Path f, long now) {
            Read<T> current = read;
            if (current.modified() != null && now - current.checkedNanos() < CHECK_NANOS) {
                return current.value(); // another thread just looked
            }
            FileTime modified;
            try {
                modified = Files.getLastModifiedTime(f);
            } catch (IOException e) {
                return current.value(); // gone for a moment: the last good contents
            }
            if (modified.equals(current.modified())) {
                read = new Read<>(modified, current.value(), now);
                return current.value();
            }
            try (InputStream in = Files.newInputStream(f)) {
                read = new Read<>(modified, parser.parse(in), now);
                return read.value();
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                LOG.warn("{} {} cannot be read ({}); keeping what was read before", setting, f, e.toString());
                read = new Read<>(modified, current.value(), now); // not read again until it changes
                return current.value();
            }
        }
    }
}
