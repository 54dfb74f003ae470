package dev.keycard.server.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.Resource;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.keys.JwsVerifiers;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientKeys;
import dev.keycard.server.registry.TrustSource;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    /** A key source made for {@code spec} (a client's keys, a trust source), made again when that changes. */
    private record Entry(Object spec, JWKSource<SecurityContext> source) {
    }

    /** How a key source is made. */
    @FunctionalInterface
    private interface Maker {
        JWKSource<SecurityContext> make() throws KeySourceException;
    }

    /** The {@code use} of a JWT-SVID signing key in a SPIFFE bundle. */
    private static final KeyUse JWT_SVID = new KeyUse("jwt-svid");

    /** Verifiers made once per key: turning a JWK into a checked public key costs more than a verification. */
    static final int MAX_VERIFIERS = 10_000;

    private final ConcurrentHashMap<String, Entry> sources = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<JWK, JWSVerifier> verifiers = new ConcurrentHashMap<>();
    private final int maxBytes;
    /** Made at the first jwks_uri: a server whose clients register keys inline starts no HTTP client. */
    private volatile @Nullable KeySetRetriever retriever;
    private final Duration timeout;
    private final Duration refetch;
    private final boolean allowHttp;
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
        this(timeout, maxBytes, refetch, false);
    }

    /**
     * @param allowHttp whether a {@code jwks_uri} found by OIDC discovery may be http (development only)
     */
    public ClientKeySets(Duration timeout, int maxBytes, Duration refetch, boolean allowHttp) {
        this.timeout = timeout;
        this.refetch = refetch;
        this.allowHttp = allowHttp;
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
        return candidates(client.id().value(), client.keys(), client.keys().jwks().isPresent(),
                JWKMatcher.forJWSHeader(header), "client " + client.id(), () -> source(client.keys()));
    }

    /**
     * The keys of a trust source that could have made a signature with {@code header}, as
     * {@link #candidates(Client, JWSHeader)}: its inline JWK Set at once, else on a virtual
     * thread, fetched from its {@code jwks_uri} (a SPIFFE bundle endpoint, whose JWT-SVID keys
     * have the {@code use} {@code jwt-svid}) or from the {@code jwks_uri} its OIDC discovery
     * document names.
     */
    CompletableFuture<List<JWK>> candidates(TrustSource trust, JWSHeader header) {
        JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
        if (trust.kind() == TrustSource.Kind.SPIFFE) {
            matcher = new JWKMatcher.Builder(matcher).keyUses(KeyUse.SIGNATURE, JWT_SVID, null).build();
        }
        TrustSource.Keys keys = trust.keys();
        // '\n' never appears in a client_id: the two kinds of owner share the map without meeting.
        return candidates("\ntrust:" + trust.name(), trust, keys.jwks().isPresent(), matcher,
                "trust source " + trust.name(), () -> {
                    if (keys.jwks().isPresent()) {
                        return inline(keys.jwks().get());
                    }
                    if (keys.jwksUri().isPresent()) {
                        return remote(keys.jwksUri().get());
                    }
                    return new Discovered(trust.issuer());
                });
    }

    private CompletableFuture<List<JWK>> candidates(String owner, Object spec, boolean inline, JWKMatcher matcher,
                                                    String who, Maker maker) {
        Entry entry = sources.get(owner);
        if (entry == null || !entry.spec().equals(spec)) {
            try {
                entry = new Entry(spec, maker.make());
            } catch (KeySourceException e) {
                return CompletableFuture.failedFuture(unavailable(who, e));
            }
            Entry replaced = sources.put(owner, entry);
            if (replaced != null) {
                closeQuietly(replaced.source());
            }
        }
        JWKSource<SecurityContext> source = entry.source();
        JWKSelector selector = new JWKSelector(matcher);
        if (inline) {
            try {
                return CompletableFuture.completedFuture(source.get(selector, null));
            } catch (KeySourceException e) {
                return CompletableFuture.failedFuture(unavailable(who, e));
            }
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return source.get(selector, null);
            } catch (KeySourceException e) {
                throw unavailable(who, e);
            }
        }, fetchers);
    }

    private static CompletionException unavailable(String who, KeySourceException e) {
        return new CompletionException(new ClientAssertions.Refused("keys_unavailable",
                "keys of " + who + ": " + e.getMessage()));
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
            return inline(keys.jwks().get());
        }
        return remote(keys.jwksUri().orElseThrow(() -> new KeySourceException("the client has no keys")));
    }

    private static JWKSource<SecurityContext> inline(String jwks) throws KeySourceException {
        try {
            return new ImmutableJWKSet<>(JWKSet.parse(jwks).toPublicJWKSet());
        } catch (ParseException e) {
            throw new KeySourceException("the registered jwks does not parse: " + e.getMessage());
        }
    }

    private JWKSource<SecurityContext> remote(URI uri) throws KeySourceException {
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

    /**
     * The keys of an OpenID Connect issuer: its discovery document
     * ({@code <issuer>/.well-known/openid-configuration}, OpenID Connect Discovery 1.0 §4) is read
     * at the first use, its {@code issuer} must be identical to the configured one (§4.3: else
     * anyone who can serve a document there could speak for another issuer), and its
     * {@code jwks_uri} then serves the keys as any other (cached, refreshed ahead, rate-limited).
     * A failed discovery is tried again at most once per refetch interval.
     */
    private final class Discovered implements JWKSource<SecurityContext>, AutoCloseable {
        private final String issuer;
        private volatile @Nullable JWKSource<SecurityContext> keys;
        private @Nullable KeySourceException failure;
        private long failedAt;

        Discovered(String issuer) {
            this.issuer = issuer;
        }

        @Override
        public List<JWK> get(JWKSelector selector, @Nullable SecurityContext context) throws KeySourceException {
            JWKSource<SecurityContext> k = keys;
            return (k != null ? k : discover()).get(selector, context);
        }

        private synchronized JWKSource<SecurityContext> discover() throws KeySourceException {
            if (keys != null) {
                return keys;
            }
            if (failure != null && System.nanoTime() - failedAt < refetch.toNanos()) {
                throw failure;
            }
            try {
                String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
                Resource document = retriever().retrieveResource(
                        URI.create(base + "/.well-known/openid-configuration").toURL());
                Map<String, Object> metadata = JSONObjectUtils.parse(document.getContent());
                String named = JSONObjectUtils.getString(metadata, "issuer");
                if (!issuer.equals(named)) {
                    throw new KeySourceException("the discovery document of " + issuer + " names another issuer: "
                            + (named == null ? "none" : ClientAssertions.printable(named)));
                }
                URI jwksUri = JSONObjectUtils.getURI(metadata, "jwks_uri");
                if (jwksUri == null || !(jwksUri.getScheme() != null && (jwksUri.getScheme().equals("https")
                        || (allowHttp && jwksUri.getScheme().equals("http"))))) {
                    throw new KeySourceException("the discovery document of " + issuer
                            + " names no https jwks_uri");
                }
                JWKSource<SecurityContext> found = remote(jwksUri);
                keys = found;
                failure = null;
                return found;
            } catch (KeySourceException e) {
                failure = e;
            } catch (java.io.IOException | ParseException | IllegalArgumentException e) {
                failure = new KeySourceException("discovery of " + issuer + " failed: " + e.getMessage());
            }
            failedAt = System.nanoTime();
            throw failure;
        }

        @Override
        public void close() {
            closeQuietly(keys);
        }
    }

    private static void closeQuietly(@Nullable Object source) {
        if (source instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // nothing to keep
            }
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

    /** Forgets the key sets of clients and trust sources (by name) that are gone; called now and then. */
    public void retain(Predicate<String> clientExists, Predicate<String> trustSourceExists) {
        sources.entrySet().removeIf(e -> {
            String id = e.getKey();
            boolean gone = id.startsWith("\ntrust:") ? !trustSourceExists.test(id.substring("\ntrust:".length()))
                    : !clientExists.test(id);
            if (gone) {
                closeQuietly(e.getValue().source());
            }
            return gone;
        });
        verifiers.clear(); // made again on first use: a minute's worth of verifiers at most
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        fetchers.shutdownNow();
        for (Entry e : sources.values()) {
            closeQuietly(e.source());
        }
        sources.clear();
    }
}
