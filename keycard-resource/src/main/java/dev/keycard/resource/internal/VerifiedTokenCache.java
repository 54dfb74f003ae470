package dev.keycard.resource.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Tokens already verified, so that a service called many times with one token pays for its
 * signature once. Keyed by the token's SHA-256 digest: the key covers every byte of the token
 * (a key of the signature alone would let a forged payload borrow a real signature), and the
 * tokens themselves are not kept in memory. Each entry is good until its token's {@code exp};
 * the size is bounded, and a full cache first sheds expired entries, then arbitrary ones.
 *
 * @param <V> what verification produced
 */
public final class VerifiedTokenCache<V> {

    private record Key(long a, long b, long c, long d) {
    }

    private record Entry<V>(V value, long expiresAtMillis) {
    }

    private static final MessageDigest PROTOTYPE;

    static {
        try {
            PROTOTYPE = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentHashMap<Key, Entry<V>> entries = new ConcurrentHashMap<>();
    private final int maxSize;

    public VerifiedTokenCache(int maxSize) {
        this.maxSize = maxSize;
    }

    public @Nullable V get(String token, long nowMillis) {
        if (maxSize == 0) {
            return null;
        }
        Key k = key(token);
        Entry<V> e = entries.get(k);
        if (e == null) {
            return null;
        }
        if (nowMillis >= e.expiresAtMillis) {
            entries.remove(k, e);
            return null;
        }
        return e.value;
    }

    public void put(String token, V value, long expiresAtMillis, long nowMillis) {
        if (maxSize == 0) {
            return;
        }
        if (entries.size() >= maxSize) {
            shed(nowMillis);
        }
        entries.put(key(token), new Entry<>(value, expiresAtMillis));
    }

    public void clear() {
        entries.clear();
    }

    public int size() {
        return entries.size();
    }

    private void shed(long nowMillis) {
        entries.values().removeIf(e -> nowMillis >= e.expiresAtMillis);
        Iterator<Key> it = entries.keySet().iterator();
        int excess = entries.size() - maxSize * 3 / 4;
        while (excess-- > 0 && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    private static Key key(String token) {
        MessageDigest md;
        try {
            md = (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer d = ByteBuffer.wrap(md.digest(token.getBytes(StandardCharsets.UTF_8)));
        return new Key(d.getLong(), d.getLong(), d.getLong(), d.getLong());
    }
}
