package dev.keycard.server.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Exponential back-off after failed client authentication, per source address and per
 * {@code client_id}, in memory on each node. The first {@code freeFailures} failures within
 * {@link #FORGET_AFTER} cost nothing; each one after makes its address and its client id wait
 * twice as long as the one before (1 s, 2 s, 4 s … up to {@code maxBackoff}). While they wait,
 * requests are answered 429 with {@code Retry-After} without their credentials being checked:
 * <ul>
 * <li>from a waiting address, whatever client id they name;
 * <li>for a waiting client id, from the addresses that have failed for that client id themselves.
 * </ul>
 * A client that has authenticated from an address within {@link #KNOWN_FOR} is always checked
 * there: its right secret gets its token, whoever else fails from that address, so nobody sharing
 * it (behind a NAT, on one node) can lock it out. Its own wrong secrets from there, a service left
 * with a rotated secret, are answered 429 with the wait instead of 401 once past the free ones, so
 * that a client honouring {@code Retry-After} slows down. Guessing is not what this stops: secrets
 * are 256 random bits. It stops runaway callers and credential sprays from new addresses.
 *
 * <p>Success resets no count, so a caller with one valid client cannot launder failures at another.
 * Memory is bounded: at most {@link #MAX_ENTRIES} keys per map of failures; when one is full, keys
 * gone quiet are swept at most once a second, and a new key finding no room is not tracked. The
 * known pairs are many more, one for each client that calls: up to {@link #MAX_KNOWN}, each a
 * 128-bit SHA-256 prefix of the address and the client id and the time it stays known until, in
 * {@link ExpiringIds} (about 48 bytes a pair, against some 120 as strings in a map); the ones a day
 * old are dropped by {@link #purge}, off the request path.
 */
public final class AuthThrottle {

    /** Failures older than this are forgotten. */
    static final Duration FORGET_AFTER = Duration.ofMinutes(15);
    static final int MAX_ENTRIES = 100_000;
    /** The most client and address pairs known at once: a million clients, each calling from one address. */
    static final int MAX_KNOWN = 1_000_000;
    /** How long a client that authenticated from an address stays known there. */
    static final Duration KNOWN_FOR = Duration.ofHours(24);
    /** A known pair is written again at most this often: the token path mostly only reads. */
    private static final Duration KNOWN_REFRESH = Duration.ofMinutes(1);
    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);

    /** A request held back: by which limit, for how long. */
    public record Wait(RequestLimit limit, Duration duration) {
    }

    private final int freeFailures;
    private final Duration maxBackoff;
    private final Keys<Failures> byAddress = new Keys<>();
    private final Keys<Failures> byClient = new Keys<>();
    /** {@link #pair} → the failures of that client id from that address. */
    private final Keys<Failures> byPair = new Keys<>();
    /** {@link #knownId} → until when that client is known at that address (its last success + {@link #KNOWN_FOR}). */
    private final ExpiringIds known;

    /**
     * @param freeFailures failures allowed before the back-off starts; 0 turns the throttle off
     * @param maxBackoff the longest wait
     */
    public AuthThrottle(int freeFailures, Duration maxBackoff) {
        this(freeFailures, maxBackoff, MAX_KNOWN);
    }

    AuthThrottle(int freeFailures, Duration maxBackoff, int maxKnown) {
        this.freeFailures = freeFailures;
        this.maxBackoff = maxBackoff;
        this.known = new ExpiringIds(maxKnown);
    }

    /**
     * Whether a request from {@code address} for {@code clientId} must wait without its credentials
     * being checked.
     *
     * @param clientId a well-formed client id, or one key that stands for every malformed one
     */
    public Optional<Wait> check(String address, String clientId, Instant now) {
        if (freeFailures == 0 || (byAddress.map.isEmpty() && byClient.map.isEmpty())) {
            return Optional.empty();
        }
        String addressKey = key(address);
        if (isKnown(addressKey, clientId, now)) {
            return Optional.empty();
        }
        String pair = pair(addressKey, clientId);
        Failures source = byAddress.map.get(addressKey);
        if (source != null && !source.waitAt(now).isZero()) {
            return Optional.of(new Wait(RequestLimit.FAILED_AUTH_ADDRESS, source.waitAt(now)));
        }
        Failures client = byClient.map.get(clientId);
        Failures own = byPair.map.get(pair);
        if (client != null && own != null && own.recentAt(now) && !client.waitAt(now).isZero()) {
            return Optional.of(new Wait(RequestLimit.FAILED_AUTH_CLIENT, client.waitAt(now)));
        }
        return Optional.empty();
    }

    /** Notes that {@code clientId} authenticated from {@code address}: it is checked there from now on. */
    public void succeeded(String address, String clientId, Instant now) {
        if (freeFailures == 0) {
            return;
        }
        long[] id = knownId(key(address), clientId);
        long until = now.toEpochMilli() + KNOWN_FOR.toMillis();
        if (until - known.until(id[0], id[1]) >= KNOWN_REFRESH.toMillis()) {
            known.holdWithin(id[0], id[1], until); // with no room it stays unknown until a purge makes some
        }
    }

    /** Forgets the pairs known for a day without a success; called now and then, off the request path. */
    public void purge(Instant now) {
        known.purge(now.toEpochMilli());
    }

    /**
     * Counts a failed authentication from {@code address} for {@code clientId}.
     *
     * @return the wait to answer this failure with instead of 401: only for a client failing from
     *     an address it is known at, once past its free failures there (see the class comment)
     */
    public Optional<Wait> failed(String address, String clientId, Instant now) {
        if (freeFailures == 0) {
            return Optional.empty();
        }
        String addressKey = key(address);
        String pair = pair(addressKey, clientId);
        count(byAddress, addressKey, now);
        count(byClient, clientId, now);
        Failures own = count(byPair, pair, now);
        if (own != null && isKnown(addressKey, clientId, now) && !own.waitAt(now).isZero()) {
            return Optional.of(new Wait(RequestLimit.FAILED_AUTH_CLIENT, own.waitAt(now)));
        }
        return Optional.empty();
    }

    private boolean isKnown(String addressKey, String clientId, Instant now) {
        long[] id = knownId(addressKey, clientId);
        return known.until(id[0], id[1]) > now.toEpochMilli();
    }

    /** What a known pair is held by: an address key has no space. */
    private static long[] knownId(String addressKey, String clientId) {
        return ExpiringIds.idOf(addressKey, ' ', clientId);
    }

    private @Nullable Failures count(Keys<Failures> keys, String key, Instant now) {
        Failures f = keys.map.get(key);
        if (f == null) {
            if (!keys.hasRoomFor(key, now, e -> !e.recentAt(now) && e.waitAt(now).isZero())) {
                return null;
            }
            f = keys.map.computeIfAbsent(key, k -> new Failures());
        }
        f.add(now, freeFailures, maxBackoff);
        return f;
    }

    /** An address key and a client id (which has no space, or is the one malformed-id key). */
    private static String pair(String addressKey, String clientId) {
        return addressKey + " " + clientId;
    }

    /**
     * An address as the throttle keys it: IPv6 by its /64, which one host usually has whole, so
     * that hopping within it does not escape the back-off. Only a literal is parsed, never a name
     * (no DNS lookup on the token path).
     */
    static String key(String address) {
        if (address.indexOf(':') < 0 || !IPV6.matcher(address).matches()) {
            return address;
        }
        try {
            byte[] bytes = java.net.InetAddress.getByName(address).getAddress();
            if (bytes.length != 16) {
                return address;
            }
            StringBuilder prefix = new StringBuilder(24);
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        } catch (java.net.UnknownHostException e) {
            return address;
        }
    }

    private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    /** A map of at most {@link #MAX_ENTRIES} keys. */
    private static final class Keys<V> {
        final ConcurrentHashMap<String, V> map = new ConcurrentHashMap<>();
        private volatile Instant sweptAt = Instant.MIN;

        /**
         * Whether {@code key} may be stored: it is there, or there is room. When the map is full,
         * the {@code quiet} entries are swept, at most once a second (a sweep walks the map).
         */
        boolean hasRoomFor(String key, Instant now, java.util.function.Predicate<V> quiet) {
            if (map.size() < MAX_ENTRIES || map.containsKey(key)) {
                return true;
            }
            if (now.isAfter(sweptAt.plusSeconds(1))) {
                sweptAt = now;
                map.values().removeIf(quiet);
            }
            return map.size() < MAX_ENTRIES;
        }
    }

    /** The failures of one key; synchronized on itself (rare: failures only). */
    private static final class Failures {
        private int count;
        private Instant last = Instant.MIN;
        private Instant until = Instant.MIN;

        synchronized void add(Instant now, int free, Duration max) {
            if (!recentAt(now)) {
                count = 0;
            }
            count++;
            last = now;
            if (count > free) {
                int doublings = Math.min(count - free - 1, 30);
                Duration wait = FIRST_WAIT.multipliedBy(1L << doublings);
                until = now.plus(wait.compareTo(max) > 0 ? max : wait);
            }
        }

        synchronized boolean recentAt(Instant now) {
            return now.isBefore(last.plus(FORGET_AFTER));
        }

        synchronized Duration waitAt(Instant now) {
            return now.isBefore(until) ? Duration.between(now, until) : Duration.ZERO;
        }
    }
}
