package dev.keycard.resource.internal;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The issuer's key set (RFC 7517 §5), held in memory and kept current without blocking a caller
 * that already has what it needs.
 *
 * <ul>
 *   <li>Refreshed in the background once 80 % of its lifetime has passed: the server's
 *       {@code Cache-Control: max-age}, kept between the minimum interval (30 s by default) and
 *       1 day, else 5 minutes.</li>
 *   <li>A token naming an unknown {@code kid} causes a fetch at most once per minimum interval;
 *       that is how a key made without notice is learnt, and all an attacker sending random kids
 *       can cause.</li>
 *   <li>One fetch in flight; every caller waiting for keys shares it.</li>
 *   <li>A failed fetch keeps the last good key set (an outage of the authorization server must
 *       not take every API down with it) and is retried after 1 s, doubling up to 30 s.</li>
 * </ul>
 */
public final class JwksCache {

    private static final System.Logger LOG = System.getLogger(JwksCache.class.getName());
    private static final long MAX_TTL_MS = 86_400_000;
    private static final long DEFAULT_TTL_MS = 300_000;
    private static final long MAX_RETRY_MS = 30_000;

    private record KeySet(Map<String, VerificationKey> byKid, List<VerificationKey> all, long refreshAt) {
    }

    private final Supplier<CompletableFuture<URI>> jwksUri;
    private final HttpJson http;
    private final Clock clock;
    private final Runnable onKeysRemoved;
    private final long minIntervalMs;

    private volatile @Nullable KeySet keys;
    private volatile long removals;
    private @Nullable CompletableFuture<KeySet> inFlight;
    private long lastFetchStarted = Long.MIN_VALUE / 2;
    private long retryNotBefore = Long.MIN_VALUE;
    private long retryDelay = 1_000;
    private @Nullable String lastFailure;

    /**
     * @param jwksUri where the key set is, possibly found by discovery first
     * @param onKeysRemoved called when a refresh drops a key, so tokens verified with it stop being trusted
     * @param minInterval the least time between fetches, scheduled or for an unknown kid
     */
    public JwksCache(Supplier<CompletableFuture<URI>> jwksUri, HttpJson http, Clock clock, Runnable onKeysRemoved,
                     Duration minInterval) {
        this.jwksUri = jwksUri;
        this.http = http;
        this.clock = clock;
        this.onKeysRemoved = onKeysRemoved;
        this.minIntervalMs = minInterval.toMillis();
    }

    /**
     * The keys that may have signed a token with this header: the one with its {@code kid}, or,
     * for a token without one, every key allowing its algorithm. Completes at once when the key
     * set in memory answers; completes empty when no key matches even after a permitted fetch;
     * fails when no key set was ever loaded.
     */
    public CompletableFuture<List<VerificationKey>> keysFor(@Nullable String kid, JWSAlgorithm alg) {
        KeySet current = keys;
        long now = clock.millis();
        if (current == null) {
            return load(now).thenApply(loaded -> match(loaded, kid, alg));
        }
        if (now >= current.refreshAt) {
            refreshInBackground(now);
        }
        List<VerificationKey> found = match(current, kid, alg);
        if (!found.isEmpty() || kid == null || !unknownKidFetchAllowed(now)) {
            return CompletableFuture.completedFuture(found);
        }
        return load(now).handle((loaded, failure) -> match(loaded == null ? current : loaded, kid, alg));
    }

    /**
     * Counts refreshes that dropped a key. A verification that read keys before such a refresh
     * must not cache its result after it: the cache was just cleared of that key's tokens.
     */
    public long removals() {
        return removals;
    }

    private static List<VerificationKey> match(KeySet set, @Nullable String kid, JWSAlgorithm alg) {
        if (kid != null) {
            VerificationKey key = set.byKid.get(kid);
            return key != null && key.allows(alg) ? List.of(key) : List.of();
        }
        return set.all.stream().filter(k -> k.allows(alg)).toList();
    }

    private synchronized boolean unknownKidFetchAllowed(long now) {
        return inFlight != null || (now - lastFetchStarted >= minIntervalMs && now >= retryNotBefore);
    }

    private void refreshInBackground(long now) {
        synchronized (this) {
            if (inFlight != null || now < retryNotBefore) {
                return;
            }
        }
        load(now);
    }

    private synchronized CompletableFuture<KeySet> load(long now) {
        if (inFlight != null) {
            return inFlight;
        }
        if (now < retryNotBefore && keys == null) {
            return CompletableFuture.failedFuture(new HttpJson.FetchException(
                    "no key set loaded yet; the last attempt failed: " + lastFailure));
        }
        lastFetchStarted = now;
        CompletableFuture<KeySet> fetch = jwksUri.get().thenCompose(http::get).thenApply(doc -> install(doc, now));
        inFlight = fetch;
        fetch.whenComplete((set, failure) -> finished(failure));
        return fetch;
    }

    private synchronized void finished(@Nullable Throwable failure) {
        inFlight = null;
        long now = clock.millis();
        if (failure == null) {
            retryDelay = 1_000;
            retryNotBefore = Long.MIN_VALUE;
            lastFailure = null;
            return;
        }
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        lastFailure = String.valueOf(cause.getMessage());
        retryNotBefore = now + retryDelay;
        LOG.log(Level.WARNING, "key set fetch failed, keeping {0} (retry in {1} ms): {2}",
                keys == null ? "none" : "the last good set", retryDelay, lastFailure);
        retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
    }

    private KeySet install(HttpJson.Document doc, long fetchedAt) {
        JWKSet set;
        try {
            set = JWKSet.parse(doc.json());
        } catch (java.text.ParseException e) {
            throw new HttpJson.FetchException("the key set is not a JWK Set: " + e.getMessage());
        }
        Map<String, VerificationKey> byKid = new HashMap<>();
        List<VerificationKey> all = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            try {
                VerificationKey.of(jwk).ifPresent(k -> {
                    all.add(k);
                    if (k.kid() != null) {
                        byKid.put(k.kid(), k);
                    }
                });
            } catch (Exception e) {
                LOG.log(Level.WARNING, "skipping key {0} of the key set: {1}", jwk.getKeyID(), e.getMessage());
            }
        }
        long ttl = Math.clamp(doc.maxAgeSeconds().orElse(DEFAULT_TTL_MS / 1000) * 1000, minIntervalMs, MAX_TTL_MS);
        KeySet next = new KeySet(Map.copyOf(byKid), List.copyOf(all), fetchedAt + ttl * 8 / 10);
        KeySet previous = keys;
        keys = next;
        if (previous != null && !next.byKid.keySet().containsAll(previous.byKid.keySet())) {
            removals++;
            onKeysRemoved.run();
        }
        LOG.log(Level.DEBUG, "key set loaded: {0} keys, refresh in {1}", all.size(), Duration.ofMillis(ttl * 8 / 10));
        return next;
    }
}
