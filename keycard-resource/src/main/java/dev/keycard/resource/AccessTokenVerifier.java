package dev.keycard.resource;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.protocol.FormCodec;
import dev.keycard.resource.TokenVerificationException.InvalidToken;
import dev.keycard.resource.TokenVerificationException.KeysUnavailable;
import dev.keycard.resource.internal.Discovery;
import dev.keycard.resource.internal.HttpJson;
import dev.keycard.resource.internal.JwksCache;
import dev.keycard.resource.internal.RevocationSubscriber;
import dev.keycard.resource.internal.VerificationKey;
import dev.keycard.resource.internal.VerifiedTokenCache;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * Verifies JWT access tokens (RFC 9068 §4) with the rules of RFC 8725: the signature with a key
 * from the issuer's key set only (the token's own {@code jku}, {@code x5u}, {@code jwk} and
 * {@code x5c} are never used), asymmetric algorithms only ({@code none} and HMAC are refused
 * whatever the token says, §3.1–3.2), {@code typ} {@code at+jwt} (§3.11), the exact issuer
 * (§3.8), an expected audience (§3.9), and the time claims within the allowed skew.
 *
 * <p>Thread-safe; build one per API and share it. A token verified once is remembered until its
 * {@code exp}, so a service called many times with one token pays for its signature once.
 */
public final class AccessTokenVerifier implements AutoCloseable {

    private final String issuer;
    private final Set<String> audiences;
    private final HeaderCheck headers;
    private final long skewMillis;
    private final Clock clock;
    private final @Nullable HttpClient ownedHttp;
    private final JwksCache jwks;
    private final VerifiedTokenCache<VerifiedToken> verified;
    private final ClaimsCheck claims;
    private final @Nullable RevocationSubscriber revocations;
    private final @Nullable Duration failClosedAfter;

    private AccessTokenVerifier(Builder b) {
        this.issuer = b.issuer;
        this.audiences = Set.copyOf(b.audiences);
        this.headers = new HeaderCheck(b.algorithms.isEmpty() ? HeaderCheck.ASYMMETRIC : Set.copyOf(b.algorithms));
        this.skewMillis = b.clockSkew.toMillis();
        this.clock = b.clock;
        HttpClient http = b.httpClient;
        this.ownedHttp = http == null ? HttpClient.newBuilder().connectTimeout(b.fetchTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build() : null;
        HttpJson fetcher = new HttpJson(http != null ? http : ownedHttp, b.fetchTimeout, b.maxKeySetBytes);
        this.verified = new VerifiedTokenCache<>(b.cacheSize);
        URI configuredJwks = b.jwksUri;
        this.jwks = new JwksCache(configuredJwks != null ? () -> CompletableFuture.completedFuture(configuredJwks)
                : new Memo(() -> Discovery.jwksUri(fetcher, issuer)), fetcher, clock, verified::clear, b.minKeySetRefresh);
        this.claims = new ClaimsCheck(issuer, audiences, skewMillis);
        this.failClosedAfter = b.failClosedAfter;
        if (b.revocationClientId != null) {
            URI events = b.revocationEventsUri;
            String secret = b.revocationClientSecret;
            String basic = secret == null ? null : "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (FormCodec.encodeComponent(b.revocationClientId) + ":" + FormCodec.encodeComponent(secret))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.util.function.Supplier<CompletableFuture<URI>> where = events != null
                    ? () -> CompletableFuture.completedFuture(events)
                    : new Memo(() -> Discovery.endpoint(fetcher, issuer, "keycard_revocation_events_endpoint"));
            // Without a secret the client is named in the query and proven by the TLS client certificate.
            String clientId = b.revocationClientId;
            this.revocations = new RevocationSubscriber(basic != null ? where
                    : () -> where.get().thenApply(u -> RevocationSubscriber.withClientId(u, clientId)),
                    basic, http != null ? http : ownedHttp, clock);
        } else {
            this.revocations = null;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies a token, blocking only when the keys must first be fetched (the first token, or a
     * {@code kid} the key set does not have yet).
     *
     * @throws InvalidToken when the token is not acceptable ({@code invalid_token})
     * @throws KeysUnavailable when no key set could ever be loaded from the issuer
     */
    public VerifiedToken verify(String token) {
        VerifiedToken hit = verified.get(token, clock.millis());
        if (hit != null) {
            return notRevoked(hit);
        }
        try {
            return verifyAsync(token).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TokenVerificationException t) {
                throw t;
            }
            throw e;
        }
    }

    /**
     * Verifies a token without blocking: completes at once unless keys must be fetched. Fails with
     * {@link InvalidToken} or {@link KeysUnavailable}.
     */
    public CompletableFuture<VerifiedToken> verifyAsync(String token) {
        long now = clock.millis();
        VerifiedToken hit = verified.get(token, now);
        if (hit != null) {
            try {
                return CompletableFuture.completedFuture(notRevoked(hit));
            } catch (TokenVerificationException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        SignedJWT jwt;
        try {
            jwt = headers.parse(token);
        } catch (InvalidToken e) {
            return CompletableFuture.failedFuture(e);
        }
        JWSHeader header = jwt.getHeader();
        long removals = jwks.removals();
        return jwks.keysFor(header.getKeyID(), header.getAlgorithm()).handle((keys, failure) -> {
            if (failure != null) {
                throw new KeysUnavailable("no key set from " + issuer + ": " + rootMessage(failure), failure);
            }
            if (keys.isEmpty()) {
                throw new InvalidToken("no key " + header.getKeyID() + " for " + header.getAlgorithm() + " in the key set");
            }
            if (!signedByAny(jwt, keys)) {
                throw new InvalidToken("signature does not verify with key " + header.getKeyID());
            }
            VerifiedToken result = claims.check(jwt, clock.millis());
            if (jwks.removals() == removals) {
                verified.put(token, result, result.expiresAt().toEpochMilli(), now);
            }
            return notRevoked(result);
        });
    }

    /**
     * Refuses a token the revocation events named, checked on every use (a cached token too);
     * and, when the builder asked to fail closed, every token once the events have been down too long.
     */
    private VerifiedToken notRevoked(VerifiedToken token) {
        RevocationSubscriber r = revocations;
        if (r == null) {
            return token;
        }
        if (r.isRevoked(token.jwtId(), token.clientId(), token.issuedAt())) {
            throw new InvalidToken("token " + token.jwtId() + " of client " + token.clientId() + " is revoked");
        }
        Instant down = r.downSince();
        if (failClosedAfter != null && down != null && clock.instant().isAfter(down.plus(failClosedAfter))) {
            throw new KeysUnavailable("revocation events down since " + down + ", longer than " + failClosedAfter, null);
        }
        return token;
    }

    /** Loads the key set now, so that a misconfigured issuer shows at the API's start, not at its first request. */
    public CompletableFuture<Void> preload() {
        return jwks.keysFor(null, JWSAlgorithm.RS256).thenApply(k -> null);
    }

    private static boolean signedByAny(SignedJWT jwt, List<VerificationKey> keys) {
        for (VerificationKey key : keys) {
            if (key.verify(jwt.getHeader(), jwt.getSigningInput(), jwt.getSignature())) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof KeysUnavailable) && c.getCause() != null) {
            c = c.getCause();
        }
        return String.valueOf(c.getMessage());
    }

    /** How many verified tokens are remembered now; for tests. */
    int cachedTokens() {
        return verified.size();
    }

    /** The issuer whose tokens this verifier accepts. */
    public String issuer() {
        return issuer;
    }

    @Override
    public void close() {
        if (revocations != null) {
            revocations.close();
        }
        if (ownedHttp != null) {
            ownedHttp.close();
        }
    }

    @Override
    public String toString() {
        return "AccessTokenVerifier[iss=" + issuer + ", aud=" + audiences + ", alg=" + headers.algorithms() + "]";
    }

    /** Discovery done once, and again after a failure. */
    private static final class Memo implements java.util.function.Supplier<CompletableFuture<URI>> {
        private final java.util.function.Supplier<CompletableFuture<URI>> source;
        private @Nullable CompletableFuture<URI> value;

        Memo(java.util.function.Supplier<CompletableFuture<URI>> source) {
            this.source = source;
        }

        @Override
        public synchronized CompletableFuture<URI> get() {
            CompletableFuture<URI> v = value;
            if (v == null || v.isCompletedExceptionally()) {
                v = source.get();
                value = v;
            }
            return v;
        }
    }

    /**
     * Settings for a verifier, shaped as keycard-client's builder: a bad value is refused with
     * {@link IllegalArgumentException} (by its setter where it can be judged alone; null with
     * {@link NullPointerException}), a setter of a list replaces what an earlier call gave, and
     * {@link #build()} refuses settings that are missing or contradict each other with {@link
     * IllegalStateException}; each message names the setting.
     */
    public static final class Builder {
        private @Nullable String issuer;
        private @Nullable URI jwksUri;
        private final List<String> audiences = new ArrayList<>();
        private final List<JWSAlgorithm> algorithms = new ArrayList<>();
        private Duration clockSkew = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();
        private @Nullable HttpClient httpClient;
        private Duration fetchTimeout = Duration.ofSeconds(5);
        private int maxKeySetBytes = 256 * 1024;
        private int cacheSize = 10_000;
        private Duration minKeySetRefresh = Duration.ofSeconds(30);
        private @Nullable String revocationClientId;
        private @Nullable String revocationClientSecret;
        private @Nullable URI revocationEventsUri;
        private @Nullable Duration failClosedAfter;

        private Builder() {
        }

        /**
         * The issuer, compared exactly with each token's {@code iss}; unless {@link #jwksUri} is
         * given, its key set is found through its metadata (RFC 8414). Required.
         */
        public Builder issuer(URI issuer) {
            this.issuer = Objects.requireNonNull(issuer, "issuer").toString();
            return this;
        }

        /** Like {@link #issuer(URI)}; {@link IllegalArgumentException} when it is no URI. */
        public Builder issuer(String issuer) {
            return issuer(URI.create(Objects.requireNonNull(issuer, "issuer")));
        }

        /** Where the issuer's key set is, skipping discovery. */
        public Builder jwksUri(URI jwksUri) {
            this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
            return this;
        }

        /**
         * The audiences this API answers to; a token's {@code aud} must contain one. Required.
         * Replaces earlier ones.
         */
        public Builder audiences(String... audiences) {
            return audiences(List.of(audiences));
        }

        /** Like {@link #audiences(String...)}. */
        public Builder audiences(Collection<String> audiences) {
            List<String> copy = List.copyOf(audiences);
            this.audiences.clear();
            this.audiences.addAll(copy);
            return this;
        }

        /**
         * Restricts the accepted algorithms (JWS names such as {@code RS256}). By default every
         * asymmetric algorithm the issuer's keys allow. {@code none} and HMAC are refused here.
         * Replaces earlier ones.
         */
        public Builder algorithms(String... names) {
            List<JWSAlgorithm> chosen = new ArrayList<>();
            for (String name : names) {
                JWSAlgorithm alg = JWSAlgorithm.parse(name);
                if (!HeaderCheck.ASYMMETRIC.contains(alg)) {
                    throw new IllegalArgumentException("algorithm " + name
                            + " is not accepted for access tokens; use one of " + HeaderCheck.ASYMMETRIC);
                }
                chosen.add(alg);
            }
            algorithms.clear();
            algorithms.addAll(chosen);
            return this;
        }

        /** Tolerance for the clocks of issuer and API disagreeing, applied to exp, nbf and iat. Default 60 s. */
        public Builder clockSkew(Duration skew) {
            this.clockSkew = BuilderChecks.clockSkew(skew);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The client for metadata and key-set requests; by default one of the verifier's own. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /** Time allowed to each metadata or key-set request. Default 5 s. */
        public Builder fetchTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("fetch timeout must be positive, was " + timeout);
            }
            this.fetchTimeout = timeout;
            return this;
        }

        /** Largest key-set or metadata response read. Default 256 KiB. */
        public Builder maxKeySetBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxKeySetBytes must be at least 1024, was " + bytes);
            }
            this.maxKeySetBytes = bytes;
            return this;
        }

        /**
         * The least time between two key-set fetches: the floor of the key set's cache lifetime
         * and the interval between fetches for an unknown {@code kid}. Default 30 s; shorten it
         * only for an issuer that rotates keys faster than that.
         */
        public Builder minKeySetRefresh(Duration interval) {
            if (interval.compareTo(Duration.ofMillis(100)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("minKeySetRefresh must be between 100 ms and 1 hour, was " + interval);
            }
            this.minKeySetRefresh = interval;
            return this;
        }

        /**
         * Subscribes to the issuer's revocation events (Keycard's
         * {@code keycard_revocation_events_endpoint}, found in its metadata) as this client, which
         * must hold {@code keycard:introspect}: a revoked token is then refused within seconds,
         * cached or not. Off by default: without it a revoked token is accepted until its {@code exp}.
         */
        public Builder revocationEvents(String clientId, String clientSecret) {
            this.revocationClientId = Objects.requireNonNull(clientId, "clientId");
            this.revocationClientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
            return this;
        }

        /**
         * Subscribes to the revocation events as {@code clientId}, authenticated by the client
         * certificate of the {@link #httpClient} given (its {@code SSLContext}): mutual TLS, for a
         * client registered with {@code tls_client_auth} or {@code self_signed_tls_client_auth}
         * (RFC 8705 §2). The client is named in the request's query; no secret is sent.
         */
        public Builder revocationEvents(String clientId) {
            this.revocationClientId = Objects.requireNonNull(clientId, "clientId");
            this.revocationClientSecret = null;
            return this;
        }

        /** Where the revocation events are, skipping discovery. */
        public Builder revocationEventsUri(URI uri) {
            this.revocationEventsUri = Objects.requireNonNull(uri, "revocationEventsUri");
            return this;
        }

        /**
         * What to do while the revocation events are down. By default the last list received keeps
         * being applied (availability first: tokens are short-lived). With this, once the stream has
         * been down longer than {@code after}, every token is refused as unverifiable (503 from the
         * adapters) until it is back.
         */
        public Builder revocationsFailClosedAfter(Duration after) {
            if (after.isNegative()) {
                throw new IllegalArgumentException("revocationsFailClosedAfter must not be negative, was " + after);
            }
            this.failClosedAfter = after;
            return this;
        }

        /** How many verified tokens are remembered; 0 turns the cache off. Default 10,000. */
        public Builder verifiedTokenCacheSize(int size) {
            this.cacheSize = BuilderChecks.notNegative("verifiedTokenCacheSize", size);
            return this;
        }

        public AccessTokenVerifier build() {
            if (issuer == null || issuer.isBlank()) {
                throw new IllegalStateException("issuer is required: the exact iss of the tokens to accept");
            }
            if (failClosedAfter != null && revocationClientId == null) {
                throw new IllegalStateException("revocationsFailClosedAfter needs revocationEvents");
            }
            if (revocationClientId != null && revocationClientSecret == null && httpClient == null) {
                throw new IllegalStateException("revocationEvents(clientId) authenticates with a client certificate:"
                        + " give httpClient an HttpClient whose SSLContext holds it");
            }
            if (audiences.isEmpty() || audiences.stream().anyMatch(String::isBlank)) {
                throw new IllegalStateException("at least one audience is required: the identifier of this API");
            }
            if (jwksUri == null) {
                URI u = URI.create(issuer);
                if (u.getScheme() == null || u.getRawAuthority() == null) {
                    throw new IllegalStateException("issuer " + issuer + " is not an absolute URL; set jwksUri instead");
                }
            }
            return new AccessTokenVerifier(this);
        }
    }
}
