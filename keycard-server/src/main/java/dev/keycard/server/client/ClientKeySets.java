package dev.keycard.server.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.keys.JwsVerifiers;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientKeys;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The public keys each client signs its assertions with ({@code private_key_jwt}). An inline JWK
 * Set is parsed once per registration. A {@code jwks_uri} is fetched as rarely and as far from the
 * token path as Nimbus's key-source chain allows: cached {@link #TIME_TO_LIVE}, refreshed on a
 * shared background thread in the last {@link #REFRESH_AHEAD} before that (so a client in steady
 * use never waits for a fetch), refetched for an unknown {@code kid} at most once per refetch
 * interval (30 s by default: a key rotation is followed without a restart; a stream of made-up
 * kids costs one fetch per interval), and its last good set kept for {@link #OUTAGE_TOLERANCE} while the
 * URL fails. Every fetch is bounded in time and size ({@link KeySetRetriever}); a request that
 * must wait for a fetch waits at most that timeout.
 */
public final class ClientKeySets implements AutoCloseable {

    static final Duration TIME_TO_LIVE = Duration.ofMinutes(5);
    static final Duration REFRESH_AHEAD = Duration.ofSeconds(30);
    static final Duration OUTAGE_TOLERANCE = Duration.ofHours(24);

    private record Entry(ClientKeys keys, JWKSource<SecurityContext> source) {
    }

    /** Verifiers made once per key: turning a JWK into a checked public key costs more than a verification. */
    static final int MAX_VERIFIERS = 10_000;

    private final ConcurrentHashMap<String, Entry> sources = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<JWK, JWSVerifier> verifiers = new ConcurrentHashMap<>();
    private final int maxBytes;
    /** Made at the first jwks_uri: a server whose clients register keys inline starts no HTTP client. */
    private volatile @Nullable KeySetRetriever retriever;
    private final Duration timeout;
    private final Duration refetch;
    private final ExecutorService refresher;
    /** Where a request waits for a jwks_uri: a virtual thread each. */
    private final ExecutorService fetchers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("keycard-client-keys-", 0).factory());

    /**
     * @param timeout the longest fetch of a {@code jwks_uri}, and the longest a request waits for one
     * @param maxBytes the largest JWK Set accepted
     * @param refetch the shortest time between two fetches of one {@code jwks_uri}
     */
    public ClientKeySets(Duration timeout, int maxBytes, Duration refetch) {
        this.timeout = timeout;
        this.refetch = refetch;
        this.maxBytes = maxBytes;
        this.refresher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "keycard-client-keys");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The client's keys that could have made a signature with {@code header}: its {@code kid}
     * when it names one, a key type that fits its {@code alg}, a key meant for signatures. At once
     * for keys registered inline; for a {@code jwks_uri}, on a virtual thread of its own, as the
     * key set may have to be fetched (never on the caller's thread, which may be an event loop).
     *
     * @return fails with a {@link ClientAssertions.Refused} ({@code keys_unavailable}) when the
     *     client's key set cannot be had: its URL fails and no earlier set is kept
     */
    CompletableFuture<List<JWK>> candidates(Client client, JWSHeader header) {
        String id = client.id().value();
        Entry entry = sources.get(id);
        if (entry == null || !entry.keys().equals(client.keys())) {
            try {
                entry = new Entry(client.keys(), source(client.keys()));
            } catch (KeySourceException e) {
                return CompletableFuture.failedFuture(unavailable(client, e));
            }
            sources.put(id, entry);
        }
        JWKSource<SecurityContext> source = entry.source();
        JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(header));
        if (client.keys().jwks().isPresent()) {
            try {
                return CompletableFuture.completedFuture(source.get(selector, null));
            } catch (KeySourceException e) {
                return CompletableFuture.failedFuture(unavailable(client, e));
            }
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return source.get(selector, null);
            } catch (KeySourceException e) {
                throw unavailable(client, e);
            }
        }, fetchers);
    }

    private static CompletionException unavailable(Client client, KeySourceException e) {
        return new CompletionException(new ClientAssertions.Refused("keys_unavailable",
                "keys of client " + client.id() + ": " + e.getMessage()));
    }

    /**
     * A verifier of {@code alg} signatures by {@code key}, made once and kept while the key is in
     * use (a key set that changes brings new JWKs, so a verifier never outlives its key's registration).
     */
    JWSVerifier verifier(SigningAlg alg, JWK key) throws JOSEException, GeneralSecurityException {
        JWSVerifier v = verifiers.get(key);
        if (v != null && v.supportedJWSAlgorithms().contains(alg.jws())) {
            return v;
        }
        v = JwsVerifiers.of(alg, key);
        if (verifiers.size() >= MAX_VERIFIERS) {
            verifiers.clear();
        }
        verifiers.put(key, v);
        return v;
    }

    private JWKSource<SecurityContext> source(ClientKeys keys) throws KeySourceException {
        if (keys.jwks().isPresent()) {
            try {
                return new ImmutableJWKSet<>(JWKSet.parse(keys.jwks().get()).toPublicJWKSet());
            } catch (ParseException e) {
                throw new KeySourceException("the registered jwks does not parse: " + e.getMessage());
            }
        }
        URI uri = keys.jwksUri().orElseThrow(() -> new KeySourceException("the client has no keys"));
        try {
            return JWKSourceBuilder.<SecurityContext>create(uri.toURL(), retriever())
                    .cache(TIME_TO_LIVE.toMillis(), timeout.toMillis())
                    .refreshAheadCache(REFRESH_AHEAD.toMillis(), null, refresher, false, null, false)
                    .rateLimited(refetch.toMillis())
                    .outageTolerant(OUTAGE_TOLERANCE.toMillis())
                    .retrying(false)
                    .build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new KeySourceException("the registered jwks_uri is not a URL: " + e.getMessage());
        }
    }

    private KeySetRetriever retriever() {
        KeySetRetriever r = retriever;
        if (r == null) {
            synchronized (this) {
                r = retriever;
                if (r == null) {
                    r = new KeySetRetriever(HttpClient.newBuilder().connectTimeout(timeout)
                            .followRedirects(HttpClient.Redirect.NEVER).build(), timeout, maxBytes);
                    retriever = r;
                }
            }
        }
        return r;
    }

    /** Forgets the key sets of clients that are gone; called now and then. */
    public void retain(Predicate<String> clientExists) {
        sources.keySet().removeIf(id -> !clientExists.test(id));
        verifiers.clear(); // made again on first use: a minute's worth of verifiers at most
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        fetchers.shutdownNow();
        for (Entry e : sources.values()) {
            if (e.source() instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // nothing to keep
                }
            }
        }
        sources.clear();
    }
}
