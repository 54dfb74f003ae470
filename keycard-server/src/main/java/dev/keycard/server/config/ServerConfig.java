package dev.keycard.server.config;

import dev.keycard.server.log.LogFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.event.Level;

/**
 * The server's configuration, read once at start by {@link ConfigLoader} and checked there.
 * Every value here is valid; the combination rules live in {@link ConfigLoader#load}.
 * {@code managementPort} is empty when health and metrics stay on the main port; {@code
 * managementHost} is already {@code host} when not set.
 */
public record ServerConfig(
        String issuer,
        String host,
        int port,
        int maxBodyBytes,
        int maxHeaderBytes,
        Duration idleTimeout,
        Duration requestTimeout,
        Duration headerTimeout,
        Duration shutdownGrace,
        AddressRanges trustedProxies,
        AddressRanges tlsTrustedProxies,
        int eventLoops,
        OptionalInt managementPort,
        String managementHost,
        Path dataDir,
        Optional<String> storeUrl,
        String storeUser,
        String storePassword,
        int storePoolSize,
        Optional<String> masterKey,
        Path masterKeyFile,
        Duration tokenDefaultLifetime,
        Duration tokenMaxLifetime,
        Duration secretGracePeriod,
        Duration secretUsageFlush,
        Duration secretUsageResolution,
        String adminClientId,
        Optional<String> adminClientSecret,
        boolean useNativeCrypto,
        KeyPolicy keys,
        RateLimits rateLimits,
        AssertionPolicy assertions,
        DPoPPolicy dpop,
        boolean metricsEnabled,
        boolean consoleEnabled,
        LogFormat logFormat,
        boolean accessLog,
        Level logLevel,
        Optional<Tls> tls,
        Optional<Path> clientCaFile,
        Optional<Path> clientCrlFile) {

    /**
     * The limits on requests: each client's token rate unless it has its own, and the back-off
     * after failed authentication ({@code failedAuthFree} failures free, 0: off).
     */
    public record RateLimits(RateLimit clientTokens, int failedAuthFree, Duration failedAuthMaxBackoff) {
    }

    /**
     * What a client assertion must be ({@code private_key_jwt}): {@code exp} at most
     * {@code maxLifetime} ahead; times compared with {@code clockSkew} of tolerance; the token
     * endpoint's URL accepted as {@code aud} beside the issuer identifier only when
     * {@code tokenEndpointAudience}; a client's {@code jwks_uri} over plain http only when
     * {@code allowHttpJwksUri}, fetched within {@code jwksTimeout} and at most {@code jwksMaxBytes},
     * again for an unknown {@code kid} at most once per {@code jwksRefetch}.
     */
    public record AssertionPolicy(Duration maxLifetime, Duration clockSkew, boolean tokenEndpointAudience,
                                  boolean allowHttpJwksUri, Duration jwksTimeout, int jwksMaxBytes,
                                  Duration jwksRefetch) {
    }

    /**
     * DPoP at the token endpoint (RFC 9449): a proof is accepted up to {@code proofMaxAge} after its
     * {@code iat}; with {@code nonceRequired} it must carry a current server nonce (§8).
     */
    public record DPoPPolicy(Duration proofMaxAge, boolean nonceRequired) {
    }

    /**
     * When signing keys change: a successor is published {@code publishLead} before it signs,
     * takes over after {@code rotationPeriod} (zero: only by hand), and the JWKS may be cached for
     * {@code jwksMaxAge}, never longer than the lead, so verifiers know a key before its first token.
     */
    public record KeyPolicy(Duration rotationPeriod, Duration publishLead, Duration jwksMaxAge) {
    }

    /**
     * TLS on the main port (RFC 8446, RFC 5246; nothing older): the certificate chain and its key,
     * PEM, reread when either file changes; with {@code wantClientCert}, a client certificate
     * asked for and checked against {@code clientCaFile} (a client without one still connects).
     */
    public record Tls(Path certFile, Path keyFile, boolean wantClientCert, Optional<Path> clientCaFile) {
    }

    /** The scheme of the main port: https with TLS. */
    public String scheme() {
        return tls.isPresent() ? "https" : "http";
    }

    /**
     * Whether a client certificate can reach Keycard (RFC 8705 §2): asked for in the TLS handshake
     * ({@code tls.client-auth=want}), or forwarded by a trusted proxy ({@code tls.trusted-proxies}).
     */
    public boolean receivesClientCertificates() {
        return tls.map(Tls::wantClientCert).orElse(false) || !tlsTrustedProxies.isEmpty();
    }

    /** Whether the issuer was derived from host and port (so it follows a port picked at bind time). */
    public boolean issuerDerived() {
        return issuer.isEmpty();
    }

    /** The defaults with {@code settings} applied, for tests and embedding. */
    public static ServerConfig of(Map<String, String> settings) {
        return ConfigLoader.load(Optional.empty(), Map.of(), settings);
    }

    @Override
    public String toString() {
        // Never print the master key, the store password or the admin secret.
        return "ServerConfig[issuer=" + issuer + ", http=" + host + ":" + port
                + (managementPort.isPresent() ? ", management=" + managementHost + ":" + managementPort.getAsInt() : "")
                + ", dataDir=" + dataDir
                + ", store=" + storeUrl.map(ServerConfig::withoutPassword).orElse("sqlite") + "]";
    }

    private static String withoutPassword(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
