package dev.keycard.client;

import dev.keycard.client.internal.AssertionSigner;
import dev.keycard.client.internal.CacheKey;
import dev.keycard.client.internal.ClientCredentials;
import dev.keycard.client.internal.DPoPSigner;
import dev.keycard.client.internal.Inputs;
import dev.keycard.client.internal.MetadataDiscovery;
import dev.keycard.client.internal.Retrier;
import dev.keycard.client.internal.SecretSource;
import dev.keycard.client.internal.TokenCache;
import dev.keycard.client.internal.TokenRequester;
import dev.keycard.protocol.ClientAuthMethod;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Access tokens of the client credentials grant (RFC 6749 §4.4), cached and refreshed before they
 * expire. Build one per client and share it: it is thread-safe, and a token in the cache costs a
 * memory read.
 *
 * <pre>{@code
 * ClientCredentialsTokenSource tokens = ClientCredentialsTokenSource.builder()
 *         .issuer(URI.create("https://keycard.internal"))
 *         .clientId("batch-worker")
 *         .clientSecretFile(Path.of("/run/secrets/keycard"))
 *         .resource("https://jobs.internal")
 *         .scopes("jobs:read")
 *         .build();
 * String bearer = tokens.token().value();
 * }</pre>
 *
 * <p>Each (scopes, target) pair has its own cache entry, which is <em>fresh</em> (served),
 * <em>stale</em> (served while one background refresh runs) or <em>expired</em> (callers wait for
 * the refresh); see docs/client.md for the timings. One request per entry is in flight at a time
 * and its result or failure goes to everyone waiting. Network errors, 5xx and 429 are retried with
 * back-off; other refusals fail at once with {@link TokenRequestException}. While the server is
 * down, a cached token that has not expired keeps being served.
 */
public final class ClientCredentialsTokenSource {

    private final TokenCache cache;
    private final TokenCache.Entry defaultEntry;
    private final String targetParameter;
    private final String description;
    private final @Nullable DPoPSigner dpop;
    private final @Nullable SSLContext sslContext;

    private ClientCredentialsTokenSource(TokenCache cache, CacheKey defaultKey, String targetParameter, String description,
                                         @Nullable DPoPSigner dpop, @Nullable SSLContext sslContext) {
        this.cache = cache;
        this.dpop = dpop;
        this.sslContext = sslContext;
        this.defaultEntry = cache.entry(defaultKey);
        this.targetParameter = targetParameter;
        this.description = description;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A token for the scopes and target given to the builder.
     *
     * @throws TokenRequestException the server refused (RFC 6749 §5.2), never retried
     * @throws TokenUnavailableException the server could not be reached, after retries
     * @throws KeycardClientException no secret to send, or an answer that breaks the protocol
     */
    public AccessToken token() {
        return cache.get(defaultEntry);
    }

    /**
     * A token for other scopes or another API, cached apart from the default one.
     *
     * @param scopes the {@code scope} to ask for; empty: what the server grants by default
     * @param target the API, sent as {@code resource} (RFC 8707), or as {@code audience} when the
     *     builder was given {@link Builder#audience}; null: none, the server picks the API
     */
    public AccessToken token(Collection<String> scopes, @Nullable String target) {
        return cache.get(cache.entry(Inputs.cacheKey(scopes, target, targetParameter)));
    }

    /** As {@link #token()}, without blocking: the future fails with the same exceptions. */
    public CompletableFuture<AccessToken> tokenAsync() {
        return cache.getAsync(defaultEntry);
    }

    /** Forgets every cached token, e.g. after the secret was rotated: the next call asks anew. */
    public void invalidate() {
        cache.invalidate();
    }

    /**
     * Forgets {@code token} if it is still the cached one, e.g. after an API answered 401 to it.
     * A token already replaced is left alone, so a burst of 401s causes one refresh.
     */
    public void invalidate(AccessToken token) {
        cache.invalidate(Objects.requireNonNull(token, "token"));
    }

    /** The TLS context given to the builder, if any: {@link BearerHttpClient} calls APIs with it too. */
    @Nullable SSLContext sslContext() {
        return sslContext;
    }

    /** The DPoP key's signer when the tokens are DPoP-bound: {@link BearerHttpClient} proves each call with it. */
    @Nullable DPoPSigner dpop() {
        return dpop;
    }

    @Override
    public String toString() {
        return "ClientCredentialsTokenSource{" + description + (dpop == null ? "" : ", " + dpop) + "}";
    }

    /**
     * Settings of a {@link ClientCredentialsTokenSource}, shaped as keycard-resource's builder: a bad
     * value is refused with {@link IllegalArgumentException} (by its setter where it can be judged
     * alone; null with {@link NullPointerException}), a setter of a list replaces what an earlier
     * call gave, and {@link #build()} refuses settings that are missing or contradict each other
     * with {@link IllegalStateException}; each message names the setting. Every default is in docs/client.md.
     */
    public static final class Builder {
        private @Nullable URI issuer;
        private @Nullable URI tokenEndpoint;
        private @Nullable String clientId;
        private @Nullable String secretValue;
        private @Nullable String secretEnv;
        private @Nullable Path secretFile;
        private @Nullable AssertionSigner signer;
        private @Nullable Path assertionFile;
        private String assertionType = ClientCredentials.JWT_BEARER;
        private ClientAuthMethod authMethod = ClientAuthMethod.CLIENT_SECRET_BASIC;
        private final List<String> scopes = new ArrayList<>();
        private @Nullable String resource;
        private @Nullable String audience;
        private @Nullable HttpClient httpClient;
        private Clock clock = Clock.systemUTC();
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxAttempts = 4;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private RandomGenerator random = () -> ThreadLocalRandom.current().nextLong();
        private Function<String, @Nullable String> environment = System::getenv;
        private boolean dpop;
        private @Nullable KeyPair dpopKey;
        private boolean tlsClientAuth;
        private @Nullable SSLContext sslContext;

        private Builder() {
        }

        /**
         * DPoP-bound tokens (RFC 9449): a P-256 key pair is made for this token source, kept in
         * memory only, and every token request carries a proof signed with it, so the tokens are
         * bound to the key ({@code token_type: DPoP}) and useless to whoever copies them without
         * it. {@link BearerHttpClient} then sends each call with {@code Authorization: DPoP} and a
         * proof of its own ({@code ath}, the server's nonce when it asks for one, retried once).
         */
        public Builder dpop() {
            this.dpop = true;
            this.dpopKey = null;
            return this;
        }

        /** Like {@link #dpop()}, with this EC P-256 key pair (e.g. one kept in a hardware module). */
        public Builder dpop(KeyPair keyPair) {
            DPoPSigner.of(Objects.requireNonNull(keyPair, "dpop"), clock); // refuses another type now
            this.dpop = true;
            this.dpopKey = keyPair;
            return this;
        }

        /** The issuer; the token endpoint is read from its metadata (RFC 8414 §3). Or {@link #tokenEndpoint}. */
        public Builder issuer(URI issuer) {
            this.issuer = Inputs.httpUrl("issuer", issuer, true);
            return this;
        }

        /** Like {@link #issuer(URI)}; {@link IllegalArgumentException} when it is no URI. */
        public Builder issuer(String issuer) {
            return issuer(URI.create(Objects.requireNonNull(issuer, "issuer")));
        }

        /** The token endpoint itself, when there is no metadata to read. Or {@link #issuer}. */
        public Builder tokenEndpoint(URI tokenEndpoint) {
            this.tokenEndpoint = Inputs.httpUrl("tokenEndpoint", tokenEndpoint, false);
            return this;
        }

        public Builder clientId(String clientId) {
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            return this;
        }

        /** The secret itself. Or {@link #clientSecretFromEnv}, or {@link #clientSecretFile}. */
        public Builder clientSecret(String secret) {
            this.secretValue = Objects.requireNonNull(secret, "clientSecret");
            return this;
        }

        /** The environment variable that holds the secret, read at each token request. */
        public Builder clientSecretFromEnv(String variable) {
            this.secretEnv = Objects.requireNonNull(variable, "clientSecretFromEnv");
            return this;
        }

        /** The file that holds the secret, read at each token request: rotate it without a restart. */
        public Builder clientSecretFile(Path file) {
            this.secretFile = Objects.requireNonNull(file, "clientSecretFile");
            return this;
        }

        /**
         * Authenticate with {@code private_key_jwt} (RFC 7523 §2.2): each token request carries a
         * new assertion signed with {@code key}, valid 60 s, with a random {@code jti} and the
         * issuer as audience (so {@link #issuer} is needed). RS256 for an RSA key, ES256 for P-256,
         * EdDSA for Ed25519. No secret exists. Instead of a secret or an assertion file.
         *
         * @param keyId the {@code kid} of the public key as registered; null when the client
         *     registered it without one
         * @throws IllegalArgumentException for a key of another type or curve, or RSA under 2048 bits
         */
        public Builder privateKeyJwt(PrivateKey key, @Nullable String keyId) {
            this.signer = AssertionSigner.of(key, keyId);
            return this;
        }

        /**
         * Like {@link #privateKeyJwt(PrivateKey, String)}, with the key read once from a file: a
         * private JWK (its {@code kid} and, for RSA, {@code alg} PS256 are used) or a PEM PKCS#8
         * {@code PRIVATE KEY}.
         *
         * @throws IllegalArgumentException naming the file when it holds no usable key
         */
        public Builder privateKeyJwt(Path keyFile) {
            this.signer = AssertionSigner.fromFile(Objects.requireNonNull(keyFile, "privateKeyJwt"));
            return this;
        }

        /**
         * Authenticate with a JWT the platform issued to this workload, read from {@code file} at
         * every token request (a Kubernetes projected service-account token, which the kubelet
         * replaces before it expires; a CI system's OIDC token). Keycard maps its issuer and
         * subject to a client (workload identity federation). Instead of a secret or a key;
         * {@link #clientId} is then optional and, when given, sent along.
         */
        public Builder clientAssertionFile(Path file) {
            this.assertionFile = Objects.requireNonNull(file, "clientAssertionFile");
            this.assertionType = ClientCredentials.JWT_BEARER;
            return this;
        }

        /**
         * Like {@link #clientAssertionFile(Path)}, for a SPIFFE JWT-SVID (written by the SPIFFE
         * helper or the Workload API), sent with the {@code client_assertion_type} of
         * draft-ietf-oauth-spiffe-client-auth: Keycard finds the trust source by the SPIFFE ID's
         * trust domain.
         */
        public Builder jwtSvidFile(Path file) {
            this.assertionFile = Objects.requireNonNull(file, "jwtSvidFile");
            this.assertionType = ClientCredentials.JWT_SPIFFE;
            return this;
        }

        /**
         * Authenticate with the TLS client certificate (RFC 8705 §2: {@code tls_client_auth} or
         * {@code self_signed_tls_client_auth}, as the client is registered): each token request names
         * the client and carries no secret; the certificate is the {@link #sslContext}'s (or the
         * {@link #httpClient}'s). Instead of a secret, a key or an assertion file.
         */
        public Builder tlsClientAuth() {
            this.tlsClientAuth = true;
            return this;
        }

        /**
         * The TLS context of the requests to Keycard, e.g. one holding the client's certificate and
         * key for mutual TLS; {@link BearerHttpClient#BearerHttpClient(ClientCredentialsTokenSource)}
         * uses it for the calls to APIs too. Not with {@link #httpClient}, which has its own.
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        /** {@code client_secret_basic} (the default) or {@code client_secret_post}, RFC 6749 §2.3.1. */
        public Builder authMethod(ClientAuthMethod method) {
            this.authMethod = Objects.requireNonNull(method, "authMethod");
            return this;
        }

        public Builder scopes(String... scopes) {
            return scopes(Arrays.asList(scopes));
        }

        /** The scopes to ask for; none: the server grants its default. Replaces earlier ones. */
        public Builder scopes(Collection<String> scopes) {
            List<String> copy = List.copyOf(scopes);
            this.scopes.clear();
            this.scopes.addAll(copy);
            return this;
        }

        /** The API to get tokens for, sent as {@code resource} (RFC 8707). Or {@link #audience}. */
        public Builder resource(String resource) {
            this.resource = Objects.requireNonNull(resource, "resource");
            return this;
        }

        /** The API to get tokens for, sent as {@code audience} (as Auth0 and Hydra expect). */
        public Builder audience(String audience) {
            this.audience = Objects.requireNonNull(audience, "audience");
            return this;
        }

        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            Inputs.positive("requestTimeout", Objects.requireNonNull(timeout, "requestTimeout"));
            this.requestTimeout = timeout;
            return this;
        }

        /** How many times a request is made in all before giving up on network errors, 5xx, 429. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder initialBackoff(Duration backoff) {
            Inputs.positive("initialBackoff", Objects.requireNonNull(backoff, "initialBackoff"));
            this.initialBackoff = backoff;
            return this;
        }

        public Builder maxBackoff(Duration backoff) {
            Inputs.positive("maxBackoff", Objects.requireNonNull(backoff, "maxBackoff"));
            this.maxBackoff = backoff;
            return this;
        }

        /** For tests: the source of jitter. */
        Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** For tests: where {@link #clientSecretFromEnv} looks variables up. */
        Builder environment(Function<String, @Nullable String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** @throws IllegalStateException naming the setting that is missing or in conflict */
        public ClientCredentialsTokenSource build() {
            if ((issuer == null) == (tokenEndpoint == null)) {
                throw new IllegalStateException("exactly one of issuer and tokenEndpoint is required");
            }
            if ((clientId == null || clientId.isBlank()) && assertionFile == null) {
                throw new IllegalStateException("clientId is required");
            }
            int secrets = (secretValue == null ? 0 : 1) + (secretEnv == null ? 0 : 1) + (secretFile == null ? 0 : 1);
            int methods = secrets + (signer == null ? 0 : 1) + (assertionFile == null ? 0 : 1) + (tlsClientAuth ? 1 : 0);
            if (methods != 1) {
                throw new IllegalStateException("exactly one of clientSecret, clientSecretFromEnv, clientSecretFile,"
                        + " privateKeyJwt, clientAssertionFile and tlsClientAuth is required");
            }
            if (tlsClientAuth && sslContext == null && httpClient == null) {
                throw new IllegalStateException("tlsClientAuth needs the client's certificate: give sslContext, or an"
                        + " httpClient built with one");
            }
            if (sslContext != null && httpClient != null) {
                throw new IllegalStateException("sslContext and httpClient are alternatives: give the HttpClient the context");
            }
            if (signer != null && issuer == null) {
                throw new IllegalStateException("privateKeyJwt needs issuer: the assertion's audience is the issuer"
                        + " identifier");
            }
            if (!authMethod.equals(ClientAuthMethod.CLIENT_SECRET_BASIC) && !authMethod.equals(ClientAuthMethod.CLIENT_SECRET_POST)) {
                throw new IllegalStateException("authMethod " + authMethod + " is not supported (client_secret_basic, client_secret_post)");
            }
            if (resource != null && audience != null) {
                throw new IllegalStateException("resource and audience are exclusive");
            }
            if (initialBackoff.compareTo(maxBackoff) > 0) {
                throw new IllegalStateException("initialBackoff must not exceed maxBackoff");
            }
            String id = clientId != null ? clientId : "(from the assertion)";
            ClientCredentials credentials;
            if (signer != null) {
                credentials = new ClientCredentials.PrivateKeyJwt(id, signer, Objects.requireNonNull(issuer).toString(),
                        clock);
            } else if (tlsClientAuth) {
                credentials = new ClientCredentials.TlsClientAuth(id);
            } else if (assertionFile != null) {
                credentials = new ClientCredentials.AssertionFile(clientId, assertionFile, assertionType);
            } else {
                credentials = new ClientCredentials.Secret(id, secretValue != null ? SecretSource.value(secretValue)
                        : secretEnv != null ? SecretSource.environment(secretEnv, environment)
                        : SecretSource.file(Objects.requireNonNull(secretFile)), authMethod);
            }
            String targetParameter = audience != null ? "audience" : "resource";
            CacheKey defaultKey = Inputs.cacheKey(scopes, audience != null ? audience : resource, targetParameter);
            HttpClient.Builder defaultHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
            if (sslContext != null) {
                defaultHttp.sslContext(sslContext);
            }
            HttpClient http = httpClient != null ? httpClient : defaultHttp.build();
            Retrier retrier = new Retrier(maxAttempts, initialBackoff, maxBackoff, random);
            URI fixed = tokenEndpoint;
            Supplier<CompletableFuture<URI>> endpoint = issuer != null
                    ? new MetadataDiscovery(issuer, http, requestTimeout, retrier, clock)::tokenEndpoint
                    : () -> CompletableFuture.completedFuture(Objects.requireNonNull(fixed));
            DPoPSigner signer = !dpop ? null : dpopKey != null ? DPoPSigner.of(dpopKey, clock) : DPoPSigner.generate(clock);
            TokenRequester requester = new TokenRequester(endpoint, id, credentials, targetParameter,
                    http, requestTimeout, retrier, clock, signer);
            TokenCache cache = new TokenCache(requester, clock, random, maxBackoff, id);
            return new ClientCredentialsTokenSource(cache, defaultKey, targetParameter, describe(credentials.toString()),
                    signer, sslContext);
        }

        private String describe(String credentials) {
            return "clientId=" + clientId + (issuer != null ? ", issuer=" + issuer : "")
                    + (tokenEndpoint != null ? ", tokenEndpoint=" + tokenEndpoint : "") + ", authMethod=" + authMethod
                    + ", " + credentials + ", scopes=" + scopes + (resource != null ? ", resource=" + resource : "")
                    + (audience != null ? ", audience=" + audience : "");
        }

        @Override
        public String toString() {
            String credentials = secretValue != null ? "secret=value(redacted)" : secretEnv != null
                    ? "secret=env:" + secretEnv : secretFile != null ? "secret=file:" + secretFile
                    : signer != null ? signer.toString() : assertionFile != null ? "assertionFile:" + assertionFile
                    : "secret=none";
            return "ClientCredentialsTokenSource.Builder{" + describe(credentials) + "}";
        }
    }
}
