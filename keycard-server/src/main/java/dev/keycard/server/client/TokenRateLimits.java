package dev.keycard.server.client;

import dev.keycard.server.registry.Client;
import dev.keycard.server.config.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each client's limit on token requests: its own ({@code token_rate_limit}), else the server's
 * default ({@code rate-limit.client-tokens}); either may be {@link RateLimit#OFF}. In memory, per node, lock-free on the
 * token path: one compare-and-set per request (the generic cell rate algorithm, an exact token
 * bucket kept as one number, the time the bucket would be full again).
 */
public final class TokenRateLimits {

    private final RateLimit defaultLimit;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public TokenRateLimits(RateLimit defaultLimit) {
        this.defaultLimit = defaultLimit;
    }

    /** The limit that applies to {@code client}. */
    public RateLimit limitOf(Client client) {
        return client.tokenRateLimit().orElse(defaultLimit);
    }

    /**
     * Takes one request from {@code client}'s bucket.
     *
     * @return empty when the request may go on; else how long until it could
     */
    public Optional<Duration> take(Client client, Instant now) {
        RateLimit limit = limitOf(client);
        if (limit.isOff()) {
            return Optional.empty();
        }
        Bucket bucket = buckets.get(client.id().value());
        if (bucket == null || !bucket.limit.equals(limit)) { // new, or the client's limit changed
            bucket = buckets.compute(client.id().value(),
                    (id, current) -> current != null && current.limit.equals(limit) ? current : new Bucket(limit));
        }
        long wait = bucket.take(now.getEpochSecond() * 1_000_000_000L + now.getNano());
        return wait <= 0 ? Optional.empty() : Optional.of(Duration.ofNanos(wait));
    }

    private static final class Bucket {
        final RateLimit limit;
        /** Nanoseconds per request. */
        private final long interval;
        /** How far ahead of now the full-again time may run: the burst. */
        private final long tolerance;
        private final AtomicLong fullAgainAt = new AtomicLong(Long.MIN_VALUE);

        Bucket(RateLimit limit) {
            this.limit = limit;
            this.interval = limit.per().toNanos() / limit.requests();
            this.tolerance = limit.per().toNanos() - interval;
        }

        /** @return 0 when taken, else the nanoseconds until one could be */
        long take(long now) {
            while (true) {
                long current = fullAgainAt.get();
                long next = Math.max(current, now) + interval;
                long allowedFrom = next - interval - tolerance;
                if (allowedFrom > now) {
                    return allowedFrom - now;
                }
                if (fullAgainAt.compareAndSet(current, next)) {
                    return 0;
                }
            }
        }
    }
}
