package dev.keycard.server.client;

import dev.keycard.server.registry.ClientSecret;
import dev.keycard.server.registry.Client;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Client secrets: 256 random bits with a {@code kcs_} prefix that secret scanners can match, kept
 * as a SHA-256 digest. High-entropy secrets need no password stretching (floor.md: 0.3 µs a check
 * against 80 ms for bcrypt), and the digest is compared in constant time.
 */
public final class Secrets {

    /** The prefix of every generated secret. */
    public static final String PREFIX = "kcs_";

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Secrets::newSha256);

    private final SecureRandom random;

    public Secrets(SecureRandom random) {
        this.random = random;
    }

    /** A new secret: {@code kcs_} and 43 base64url characters (32 random bytes). */
    public String generate() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return PREFIX + B64URL.encodeToString(bytes);
    }

    /** A new opaque identifier with the given prefix and 96 random bits. */
    /** The stored form of {@code value}, a client's current secret from {@code now}: digest, hint, a new id. */
    public ClientSecret stored(String value, java.time.Instant now) {
        return new ClientSecret(newId("sec_"), digest(value), hint(value), now, null, null);
    }

    public String newId(String prefix) {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return prefix + B64URL.encodeToString(bytes);
    }

    /** SHA-256 of the secret's UTF-8 bytes. */
    public static byte[] digest(String secret) {
        return sha256().digest(secret.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * This thread's SHA-256 digest, reset. Looking one up from the providers cost about 0.5 µs a
     * call, and a token request hashes up to three times (the secret, the throttle's known pair,
     * an assertion's {@code jti}). A caller finishes its digest before anything else may use it.
     */
    static MessageDigest sha256() {
        MessageDigest d = SHA256.get();
        d.reset();
        return d;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** Constant-time comparison of two digests. */
    public static boolean matches(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }

    /** What a person sees of a secret: its first 8 and last 3 characters. */
    public static String hint(String secret) {
        return secret.length() < 16 ? "…" : secret.substring(0, 8) + "…" + secret.substring(secret.length() - 3);
    }
}
