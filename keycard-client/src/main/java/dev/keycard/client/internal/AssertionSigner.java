package dev.keycard.client.internal;

import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;
import com.grack.nanojson.JsonWriter;
import dev.keycard.client.KeycardClientException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Makes {@code private_key_jwt} client assertions (RFC 7523 §2.2 and §3, OpenID Connect Core §9)
 * with the JDK alone: {@code iss} = {@code sub} = the client, {@code aud} = the authorization
 * server's issuer identifier (draft-ietf-oauth-rfc7523bis: never an endpoint URL), a random
 * {@code jti}, {@code iat} now and {@code exp} a minute later. RS256 (or PS256 when a JWK says so)
 * for an RSA key, ES256 for a P-256 key, EdDSA for an Ed25519 key.
 */
public final class AssertionSigner {

    /** How long an assertion is valid: long enough for one request, short enough to be useless later. */
    static final long LIFETIME_SECONDS = 60;
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODE = Base64.getUrlDecoder();

    private final PrivateKey key;
    private final @Nullable String keyId;
    private final String alg;
    private final SecureRandom random = new SecureRandom();

    private AssertionSigner(PrivateKey key, @Nullable String keyId, String alg) {
        this.key = key;
        this.keyId = keyId;
        this.alg = alg;
    }

    /**
     * For {@code key}, named {@code keyId} in the client's registered JWK Set (null: none, the
     * server tries each of the client's keys of the type).
     *
     * @throws IllegalArgumentException for a key that is not RSA, EC P-256 or Ed25519
     */
    public static AssertionSigner of(PrivateKey key, @Nullable String keyId) {
        Objects.requireNonNull(key, "privateKey");
        return new AssertionSigner(key, keyId, algorithmFor(key, null));
    }

    /**
     * Reads a private key file: a JWK (RFC 7517, with {@code kid} and optionally {@code alg}) or a
     * PEM PKCS#8 {@code PRIVATE KEY}. Read once, at build time.
     *
     * @throws IllegalArgumentException naming the file when it holds no usable private key
     */
    public static AssertionSigner fromFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("private key file " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        try {
            if (text.startsWith("{")) {
                JsonObject jwk = JsonParser.object().from(text);
                PrivateKey key = privateKey(jwk);
                return new AssertionSigner(key, jwk.getString("kid", null), algorithmFor(key, jwk.getString("alg", null)));
            }
            PrivateKey key = pkcs8(text);
            return new AssertionSigner(key, null, algorithmFor(key, null));
        } catch (JsonParserException | GeneralSecurityException | IllegalArgumentException e) {
            // Never the file's content in the message: it is a private key.
            throw new IllegalArgumentException("private key file " + file
                    + " holds no usable private key (a JWK or a PEM PKCS#8 PRIVATE KEY of RSA, EC P-256 or Ed25519)");
        }
    }

    /** A fresh assertion for {@code clientId} to present to the server whose issuer is {@code audience}. */
    public String sign(String clientId, String audience, Instant now) {
        var header = JsonWriter.string().object().value("alg", alg).value("typ", "JWT");
        if (keyId != null) {
            header.value("kid", keyId);
        }
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        String claims = JsonWriter.string().object()
                .value("iss", clientId).value("sub", clientId).value("aud", audience)
                .value("jti", B64URL.encodeToString(jti))
                .value("iat", now.getEpochSecond()).value("exp", now.getEpochSecond() + LIFETIME_SECONDS)
                .end().done();
        String input = B64URL.encodeToString(header.end().done().getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            return input + "." + B64URL.encodeToString(signature(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new KeycardClientException("cannot sign the client assertion with the " + alg + " key ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private byte[] signature(byte[] input) throws GeneralSecurityException {
        Signature s = switch (alg) {
            case "RS256" -> Signature.getInstance("SHA256withRSA");
            case "PS256" -> {
                Signature pss = Signature.getInstance("RSASSA-PSS");
                pss.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
                yield pss;
            }
            case "ES256" -> Signature.getInstance("SHA256withECDSA");
            default -> Signature.getInstance("Ed25519");
        };
        s.initSign(key);
        s.update(input);
        byte[] raw = s.sign();
        return alg.equals("ES256") ? derToJose(raw) : raw;
    }

    /** ECDSA's DER SEQUENCE of r and s as JWS wants it: r and s, 32 bytes each (RFC 7518 §3.4). */
    static byte[] derToJose(byte[] der) {
        int offset = der[1] == (byte) 0x81 ? 3 : 2; // a long-form length byte for large sequences
        int rLength = der[offset + 1];
        byte[] r = Arrays.copyOfRange(der, offset + 2, offset + 2 + rLength);
        int sOffset = offset + 2 + rLength;
        int sLength = der[sOffset + 1];
        byte[] s = Arrays.copyOfRange(der, sOffset + 2, sOffset + 2 + sLength);
        byte[] out = new byte[64];
        copyUnsigned(r, out, 0);
        copyUnsigned(s, out, 32);
        return out;
    }

    private static void copyUnsigned(byte[] value, byte[] out, int at) {
        int start = 0;
        while (start < value.length - 1 && value[start] == 0) {
            start++;
        }
        int length = value.length - start;
        System.arraycopy(value, start, out, at + 32 - length, length);
    }

    private static String algorithmFor(PrivateKey key, @Nullable String declared) {
        if (key instanceof RSAPrivateKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new IllegalArgumentException("an RSA key under 2048 bits");
            }
            return "PS256".equals(declared) ? "PS256" : "RS256";
        }
        if (key instanceof ECPrivateKey ec) {
            if (ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new IllegalArgumentException("an EC key on a curve other than P-256");
            }
            return "ES256";
        }
        if (key instanceof EdECPrivateKey ed && ed.getParams().getName().equalsIgnoreCase("Ed25519")) {
            return "EdDSA";
        }
        throw new IllegalArgumentException("a " + key.getAlgorithm() + " key: use RSA, EC P-256 or Ed25519");
    }

    private static PrivateKey privateKey(JsonObject jwk) throws GeneralSecurityException {
        String kty = jwk.getString("kty", "");
        switch (kty) {
            case "RSA" -> {
                return KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(big(jwk, "n"),
                        big(jwk, "e"), big(jwk, "d"), big(jwk, "p"), big(jwk, "q"), big(jwk, "dp"), big(jwk, "dq"),
                        big(jwk, "qi")));
            }
            case "EC" -> {
                if (!"P-256".equals(jwk.getString("crv", ""))) {
                    throw new GeneralSecurityException("EC key not on P-256");
                }
                AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                params.init(new ECGenParameterSpec("secp256r1"));
                return KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(big(jwk, "d"),
                        params.getParameterSpec(ECParameterSpec.class)));
            }
            case "OKP" -> {
                if (!"Ed25519".equals(jwk.getString("crv", ""))) {
                    throw new GeneralSecurityException("OKP key other than Ed25519");
                }
                return KeyFactory.getInstance("Ed25519").generatePrivate(
                        new EdECPrivateKeySpec(NamedParameterSpec.ED25519, bytes(jwk, "d")));
            }
            default -> throw new GeneralSecurityException("kty " + kty.toLowerCase(Locale.ROOT));
        }
    }

    private static BigInteger big(JsonObject jwk, String member) throws GeneralSecurityException {
        return new BigInteger(1, bytes(jwk, member));
    }

    private static byte[] bytes(JsonObject jwk, String member) throws GeneralSecurityException {
        String value = jwk.getString(member, null);
        if (value == null) {
            throw new GeneralSecurityException("a private JWK needs " + member);
        }
        return B64URL_DECODE.decode(value);
    }

    private static PrivateKey pkcs8(String pem) throws GeneralSecurityException {
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new GeneralSecurityException("not a PEM PRIVATE KEY");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this type: try the next
            }
        }
        throw new GeneralSecurityException("a PKCS#8 key of another type");
    }

    @Override
    public String toString() {
        return "privateKeyJwt(" + alg + (keyId == null ? "" : ", kid " + keyId) + ")";
    }
}
