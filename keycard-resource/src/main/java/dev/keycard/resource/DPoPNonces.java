package dev.keycard.resource;

import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * DPoP nonces (RFC 9449 §8 for an authorization server, §9 for a resource server) that need no
 * shared state: a nonce is the number of a time step and an HMAC-SHA-256 of it under a secret
 * key, so every server holding the key issues the same nonce within a step and accepts it
 * without asking another. A nonce is accepted during its own step and the next one, so it lives
 * between one and two steps; an older one, or one made with another key, is refused and the
 * client is given the current one (§8.2). The nonce is opaque to clients, as §8.1 requires.
 *
 * <p>Thread-safe.
 */
public final class DPoPNonces {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();
    private static final int MAC_BYTES = 16;
    private static final int NONCE_BYTES = Long.BYTES + MAC_BYTES;

    private final SecretKeySpec key;
    private final long stepMillis;
    private final Clock clock;
    private volatile Cached cached = new Cached(Long.MIN_VALUE, "");

    private record Cached(long step, String nonce) {
    }

    private DPoPNonces(byte[] key, Duration step, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the nonce key must have at least 32 bytes, had " + key.length);
        }
        if (step.compareTo(Duration.ofSeconds(1)) < 0 || step.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("the nonce step must be between 1 second and 1 hour, was " + step);
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.stepMillis = step.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Nonces under {@code key} (32 bytes or more, the same on every server that must accept
     * them), a new one every {@code step}.
     */
    public static DPoPNonces create(byte[] key, Duration step, Clock clock) {
        return new DPoPNonces(Objects.requireNonNull(key, "key"), Objects.requireNonNull(step, "step"), clock);
    }

    /** The nonce to hand out now. */
    public String current() {
        long step = Math.floorDiv(clock.millis(), stepMillis);
        Cached c = cached;
        if (c.step() != step) {
            c = new Cached(step, B64URL.encodeToString(ByteBuffer.allocate(NONCE_BYTES).putLong(step)
                    .put(mac(step)).array()));
            cached = c;
        }
        return c.nonce();
    }

    /** Whether {@code nonce} was made with this key in the current step or the one before. */
    public boolean accepts(String nonce) {
        if (nonce.length() != 32) { // 24 bytes in unpadded base64url
            return false;
        }
        byte[] raw;
        try {
            raw = B64URL_DECODER.decode(nonce);
        } catch (IllegalArgumentException e) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        long step = b.getLong();
        long now = Math.floorDiv(clock.millis(), stepMillis);
        if (step != now && step != now - 1) {
            return false;
        }
        byte[] given = new byte[MAC_BYTES];
        b.get(given);
        return MessageDigest.isEqual(given, mac(step));
    }

    private byte[] mac(long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] full = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
            return java.util.Arrays.copyOf(full, MAC_BYTES);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
