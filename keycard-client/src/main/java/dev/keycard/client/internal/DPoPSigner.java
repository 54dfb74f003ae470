package dev.keycard.client.internal;

import com.grack.nanojson.JsonWriter;
import dev.keycard.client.KeycardClientException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Makes DPoP proofs (RFC 9449 §4.2) with the JDK alone: ES256 with one P-256 key pair, its public
 * half in the {@code jwk} header, a random {@code jti}, {@code htm} and {@code htu} (the request's
 * URI without query and fragment), {@code iat} now, {@code ath} the hash of the access token sent
 * with it, and the last nonce the server at that origin handed out (§8, §9), remembered per
 * origin from every {@code DPoP-Nonce} header seen. The private key never leaves this object.
 */
public final class DPoPSigner {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    /** The order of P-256 (secp256r1), which tells it from other 256-bit curves. */
    private static final java.math.BigInteger P256_ORDER = new java.math.BigInteger(
            "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    /** The most origins whose nonce is remembered; a client talks to a few. */
    private static final int MAX_ORIGINS = 1024;

    private final ECPrivateKey privateKey;
    private final String jwk;
    private final String thumbprint;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, String> nonces = new ConcurrentHashMap<>();

    private DPoPSigner(KeyPair pair, Clock clock) {
        if (!(pair.getPrivate() instanceof ECPrivateKey ec) || !(pair.getPublic() instanceof ECPublicKey pub)
                || !ec.getParams().getOrder().equals(P256_ORDER) || !pub.getParams().getOrder().equals(P256_ORDER)) {
            throw new IllegalArgumentException("a DPoP key must be an EC P-256 key pair");
        }
        this.privateKey = ec;
        String x = B64URL.encodeToString(unsigned32(pub.getW().getAffineX().toByteArray()));
        String y = B64URL.encodeToString(unsigned32(pub.getW().getAffineY().toByteArray()));
        // RFC 7638 §3.2: the required members in lexicographic order, no whitespace.
        this.jwk = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}";
        this.thumbprint = B64URL.encodeToString(sha256(jwk.getBytes(StandardCharsets.UTF_8)));
        this.clock = clock;
    }

    /** A signer with a new P-256 key pair, kept in memory only. */
    public static DPoPSigner generate(Clock clock) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return new DPoPSigner(g.generateKeyPair(), clock);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make a P-256 key pair", e);
        }
    }

    /** A signer with the given P-256 key pair. */
    public static DPoPSigner of(KeyPair pair, Clock clock) {
        return new DPoPSigner(Objects.requireNonNull(pair, "dpop key pair"), clock);
    }

    /** The RFC 7638 thumbprint of the public key: the {@code cnf.jkt} of the tokens bound to it. */
    public String thumbprint() {
        return thumbprint;
    }

    /** A fresh proof for one request; {@code accessToken} null for a token request. */
    public String proof(String method, URI uri, @Nullable String accessToken) {
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        var claims = JsonWriter.string().object()
                .value("jti", B64URL.encodeToString(jti))
                .value("htm", method)
                .value("htu", htu(uri))
                .value("iat", clock.instant().getEpochSecond());
        if (accessToken != null) {
            claims.value("ath", B64URL.encodeToString(sha256(accessToken.getBytes(StandardCharsets.US_ASCII))));
        }
        String nonce = nonces.get(origin(uri));
        if (nonce != null) {
            claims.value("nonce", nonce);
        }
        String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + jwk + "}";
        String input = B64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(claims.end().done().getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(privateKey);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64URL.encodeToString(AssertionSigner.derToJose(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new KeycardClientException("cannot sign the DPoP proof (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Remembers the nonce a response from {@code uri} carries, if any.
     *
     * @return whether it carried a new one (a request refused for its nonce is worth retrying)
     */
    public boolean remember(URI uri, HttpHeaders headers) {
        String nonce = headers.firstValue("DPoP-Nonce").orElse(null);
        if (nonce == null || nonce.isEmpty() || nonce.length() > 1024) {
            return false;
        }
        if (nonces.size() >= MAX_ORIGINS) {
            nonces.clear();
        }
        return !nonce.equals(nonces.put(origin(uri), nonce));
    }

    /** §4.2: the URI without query and fragment. */
    static String htu(URI uri) {
        String s = uri.toString();
        int cut = s.length();
        int q = s.indexOf('?');
        int f = s.indexOf('#');
        if (q >= 0) {
            cut = q;
        }
        if (f >= 0 && f < cut) {
            cut = f;
        }
        return s.substring(0, cut);
    }

    private static String origin(URI uri) {
        return (uri.getScheme() + "://" + uri.getRawAuthority()).toLowerCase(Locale.ROOT);
    }

    private static byte[] unsigned32(byte[] value) {
        byte[] out = new byte[32];
        int start = value.length > 32 ? value.length - 32 : 0;
        System.arraycopy(value, start, out, 32 - (value.length - start), value.length - start);
        return out;
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "dpop(ES256, jkt " + thumbprint + ")";
    }
}
