package dev.keycard.server.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exponential back-off after failed client authentication, per source address and per
 * {@code client_id}, in memory on each node. The first {@code freeFailures} failures within
 * {@link #FORGET_AFTER} cost nothing; each one after makes its address and its client id wait
 * twice as long as the one before (1 s, 2 s, 4 s … up to {@code maxBackoff}), answered 429 with
 * {@code Retry-After} without checking the credentials.
 *
 * <p>An attacker cannot lock a real client out with it. A waiting client id holds back only the
 * addresses that have failed themselves: a request from an address that has not been failing is
 * checked as usual, and the right secret gets its token. And a client that has authenticated from
 * an address within {@link #KNOWN_FOR} is not held back there by its address or its id: many
 * services share one address behind a NAT or on one node, and one of them failing (a secret
 * rotated, a pod misconfigured) must not hold back the rest. What a known client does not escape
 * is its own failures from that address, counted per address and client id: guesses at a client
 * from the address it runs on back off like any others. Success resets no count, so a caller with
 * one valid client cannot launder guesses at another. Memory is bounded: past
 * {@link #MAX_ENTRIES} keys, those that have gone quiet are forgotten, and a new key beyond that
 * is not tracked.
 */
public final class AuthThrottle {

    /** Failures older than this are forgotten. */
    static final Duration FORGET_AFTER = Duration.ofMinutes(15);
    static final int MAX_ENTRIES = 100_000;
    /** How long a client that authenticated from an address stays known there. */
    static final Duration KNOWN_FOR = Duration.ofHours(24);
    /** A known pair is written again at most this often: the token path mostly only reads. */
    private static final Duration KNOWN_REFRESH = Duration.ofMinutes(1);
    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);

    /** Which limit held a request back: a metric's label, an audit event's detail. */
    public enum Limit {
        FAILED_AUTH_ADDRESS("failed_auth_address"), FAILED_AUTH_CLIENT("failed_auth_client");

        private final String label;

        Limit(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A request held back: by which limit, for how long. */
    public record Wait(Limit limit, Duration duration) {
    }

    private final int freeFailures;
    private final Duration maxBackoff;
    private final ConcurrentHashMap<String, Failures> byAddress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Failures> byClient = new ConcurrentHashMap<>();
    /** Address key and client id, separated by a space (a client id has none) → their failures. */
    private final ConcurrentHashMap<String, Failures> byPair = new ConcurrentHashMap<>();
    /** Address key and client id, separated by a space (a client id has none) → last success. */
    private final ConcurrentHashMap<String, Instant> known = new ConcurrentHashMap<>();

    /**
     * @param freeFailures failures allowed before the back-off starts; 0 turns the throttle off
     * @param maxBackoff the longest wait
     */
    public AuthThrottle(int freeFailures, Duration maxBackoff) {
        this.freeFailures = freeFailures;
        this.maxBackoff = maxBackoff;
    }

    /** Whether a request from {@code address} for {@code clientId} must wait, before its credentials are checked. */
    public Optional<Wait> check(String address, String clientId, Instant now) {
        if (freeFailures == 0 || (byAddress.isEmpty() && byClient.isEmpty())) {
            return Optional.empty();
        }
        String addressKey = key(address);
        String pair = addressKey + " " + clientId;
        Instant lastSuccess = known.get(pair);
        if (lastSuccess != null && now.isBefore(lastSuccess.plus(KNOWN_FOR))) {
            // Its own failures from here are guesses at it, and count as the client's.
            Failures own = byPair.get(pair);
            Duration wait = own == null ? Duration.ZERO : own.waitAt(now);
            return wait.isZero() ? Optional.empty() : Optional.of(new Wait(Limit.FAILED_AUTH_CLIENT, wait));
        }
        Failures source = byAddress.get(addressKey);
        if (source != null) {
            Duration wait = source.waitAt(now);
            if (!wait.isZero()) {
                return Optional.of(new Wait(Limit.FAILED_AUTH_ADDRESS, wait));
            }
        }
        Failures client = byClient.get(clientId);
        if (client != null && source != null && source.recentAt(now)) {
            Duration wait = client.waitAt(now);
            if (!wait.isZero()) {
                return Optional.of(new Wait(Limit.FAILED_AUTH_CLIENT, wait));
            }
        }
        return Optional.empty();
    }

    /** Notes that {@code clientId} authenticated from {@code address}: it stays welcome there. */
    public void succeeded(String address, String clientId, Instant now) {
        if (freeFailures == 0) {
            return;
        }
        String pair = key(address) + " " + clientId;
        Instant last = known.get(pair);
        if (last != null && now.isBefore(last.plus(KNOWN_REFRESH))) {
            return;
        }
        if (last == null && known.size() >= MAX_ENTRIES) {
            known.values().removeIf(t -> !now.isBefore(t.plus(KNOWN_FOR)));
            if (known.size() >= MAX_ENTRIES) {
                return;
            }
        }
        known.put(pair, now);
    }

    /** Counts a failed authentication from {@code address} for {@code clientId}. */
    public void failed(String address, String clientId, Instant now) {
        if (freeFailures == 0) {
            return;
        }
        String addressKey = key(address);
        count(byAddress, addressKey, now);
        count(byClient, clientId, now);
        count(byPair, addressKey + " " + clientId, now);
    }

    private void count(ConcurrentHashMap<String, Failures> map, String key, Instant now) {
        Failures f = map.get(key);
        if (f == null) {
            if (map.size() >= MAX_ENTRIES) {
                map.values().removeIf(e -> !e.recentAt(now) && e.waitAt(now).isZero());
                if (map.size() >= MAX_ENTRIES) {
                    return; // full of live keys: this one goes untracked rather than grow memory
                }
            }
            f = map.computeIfAbsent(key, k -> new Failures());
        }
        f.add(now, freeFailures, maxBackoff);
    }

    /**
     * An address as the throttle keys it: IPv6 by its /64, which one host usually has whole, so
     * that hopping within it does not escape the back-off.
     */
    static String key(String address) {
        if (address.indexOf(':') < 0) {
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
