package dev.keycard.server.config;

import dev.keycard.server.log.LogFormat;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import org.slf4j.event.Level;

/** Every configuration key Keycard reads, with its default. docs/configuration.md lists the same. */
public final class Settings {

    public static final Setting<String> ISSUER = Setting.text("issuer", "",
            "The iss of every token and the base of the metadata URLs. Default: http://{http.host}:{http.port}.");
    public static final Setting<String> HTTP_HOST = Setting.text("http.host", "127.0.0.1", "Address to listen on.");
    public static final Setting<Integer> HTTP_PORT = Setting.integer("http.port", "8080", "Port to listen on; 0 picks a free one.", 0, 65535);
    public static final Setting<Integer> HTTP_MAX_BODY = Setting.integer("http.max-body-bytes", "65536",
            "Largest request body accepted; larger ones get 413.", 1024, 16 * 1024 * 1024);
    public static final Setting<Integer> HTTP_MAX_HEADER = Setting.integer("http.max-header-bytes", "8192",
            "Largest total size of request headers; larger ones get 431.", 1024, 1024 * 1024);
    public static final Setting<Duration> HTTP_IDLE_TIMEOUT = Setting.duration("http.idle-timeout", "30s",
            "A connection that sends nothing for this long is closed.", Duration.ofSeconds(1), Duration.ofHours(1));
    public static final Setting<Duration> HTTP_REQUEST_TIMEOUT = Setting.duration("http.request-timeout", "10s",
            "A request whose body has not fully arrived by then gets 408 and the connection is closed.",
            Duration.ofSeconds(1), Duration.ofMinutes(10));
    public static final Setting<Duration> HTTP_HEADER_TIMEOUT = Setting.duration("http.header-timeout", "10s",
            "A connection whose request headers are not complete this long after their first byte is closed (a client sending a byte at a time is never idle).",
            Duration.ofSeconds(1), Duration.ofMinutes(10));
    public static final Setting<Duration> HTTP_SHUTDOWN_GRACE = Setting.duration("http.shutdown-grace", "10s",
            "At a stop (SIGTERM, Ctrl-C) new connections are refused at once; requests in flight get this long to finish. 0 closes every connection at once.",
            Duration.ZERO, Duration.ofMinutes(10));
    public static final Setting<AddressRanges> HTTP_TRUSTED_PROXIES = new Setting<>("http.trusted-proxies", "",
            "Addresses and CIDR ranges of proxies in front of Keycard whose X-Forwarded-For names the client's address (for the back-off after failed logins and the access log). Empty: none; the header is ignored.",
            AddressRanges::parse);
    public static final Setting<Integer> HTTP_EVENT_LOOPS = Setting.integer("http.event-loops", "0",
            "Event-loop threads serving HTTP; 0 means one per core.", 0, 256);
    public static final Setting<OptionalInt> MANAGEMENT_PORT = new Setting<>("management.port", "",
            "Port for /health/* and /metrics, which then leave http.port; 0 picks a free one. Empty (or -1): off, they stay on http.port.",
            Settings::managementPort);
    public static final Setting<String> MANAGEMENT_HOST = Setting.text("management.host", "",
            "Address the management port listens on. Default: {http.host}.");
    public static final Setting<String> TLS_CERT_FILE = Setting.text("tls.cert-file", "",
            "PEM file of the server's certificate and its chain (leaf first): http.port then speaks https (TLS 1.2 and 1.3 only) and the derived issuer is https. Reread when it changes, without a restart. Empty: plain http.");
    public static final Setting<String> TLS_KEY_FILE = Setting.text("tls.key-file", "",
            "PEM file of the certificate's private key (PKCS#8, or PKCS#1 RSA); required with tls.cert-file. Reread when it changes.");
    public static final Setting<Boolean> TLS_CLIENT_AUTH_WANT = new Setting<>("tls.client-auth", "none",
            "none, or want: ask each client for a certificate issued by tls.client-ca-file (mutual TLS); a client without one still connects.",
            Settings::clientAuth);
    public static final Setting<String> TLS_CLIENT_CA_FILE = Setting.text("tls.client-ca-file", "",
            "PEM file of the certificate authorities that issue client certificates; required with tls.client-auth want.");
    public static final Setting<String> TLS_CLIENT_CRL_FILE = Setting.text("tls.client-crl-file", "",
            "PEM file of certificate revocation lists (RFC 5280 section 5) from the authorities of tls.client-ca-file: a tls_client_auth certificate one of them lists is refused. Set, it must hold a current list of every authority in a certificate's path, or the certificate is refused (fail closed). Reread when it changes. Empty: revocation is not checked.");
    public static final Setting<AddressRanges> TLS_TRUSTED_PROXIES = new Setting<>("tls.trusted-proxies", "",
            "Addresses and CIDR ranges of TLS-terminating proxies whose Client-Cert header (RFC 9440) carries the client certificate for mutual-TLS client authentication and certificate-bound tokens. Empty: none; the header is ignored from everyone.",
            AddressRanges::parse);
    public static final Setting<String> DATA_DIR = Setting.text("data.dir", "data",
            "Where the embedded SQLite store, the master key file and the admin credentials live.");
    public static final Setting<String> STORE_URL = Setting.text("store.url", "",
            "JDBC URL of the store: jdbc:postgresql://… for PostgreSQL. Default: SQLite at {data.dir}/keycard.db.");
    public static final Setting<String> STORE_USER = Setting.text("store.user", "", "Database user (PostgreSQL).");
    public static final Setting<String> STORE_PASSWORD = Setting.text("store.password", "", "Database password (PostgreSQL).");
    public static final Setting<Integer> STORE_POOL_SIZE = Setting.integer("store.pool-size", "8",
            "Connections in the pool (PostgreSQL; SQLite always uses one writer).", 1, 200);
    public static final Setting<String> MASTER_KEY = Setting.text("master-key", "",
            "Base64 of 32 random bytes that encrypt the signing keys at rest. Default: read from, or created in, master-key.file.");
    public static final Setting<String> MASTER_KEY_FILE = Setting.text("master-key.file", "",
            "File holding the master key, created with mode 0600 on first start. Default: {data.dir}/master.key.");
    public static final Setting<Duration> TOKEN_DEFAULT_LIFETIME = Setting.duration("token.default-lifetime", "15m",
            "Access token lifetime for an API that does not set its own.", Duration.ofSeconds(1), Duration.ofDays(1));
    public static final Setting<Duration> TOKEN_MAX_LIFETIME = Setting.duration("token.max-lifetime", "1h",
            "No access token lives longer than this, whatever its API says.", Duration.ofSeconds(1), Duration.ofDays(1));
    public static final Setting<Duration> SECRET_GRACE_PERIOD = Setting.duration("secret.grace-period", "24h",
            "How long the previous secret keeps working after a rotation, unless the rotation says otherwise.",
            Duration.ZERO, Duration.ofDays(90));
    public static final Setting<Duration> SECRET_USAGE_FLUSH = Setting.duration("secret.last-used-flush", "30s",
            "How often the last-used times of secrets and granted scopes are written to the store (kept off the"
                    + " token path).",
            Duration.ofSeconds(1), Duration.ofHours(1));
    public static final Setting<Duration> SECRET_USAGE_RESOLUTION = Setting.duration("secret.last-used-resolution",
            "1h", "A secret's or scope's last use, once written, is written again when the stored time is this old;"
                    + " 0 writes every use at the next flush.",
            Duration.ZERO, Duration.ofDays(1));
    public static final Setting<String> ADMIN_CLIENT_ID = Setting.text("admin.client-id", "keycard-admin",
            "client_id of the admin client created on first start.");
    public static final Setting<String> ADMIN_CLIENT_SECRET = Setting.text("admin.client-secret", "",
            "Its secret, for unattended installs (at least 32 characters). Default: generated and printed once.");
    public static final Setting<Duration> KEYS_ROTATION_PERIOD = Setting.duration("keys.rotation-period", "30d",
            "A signing key signs for this long, then its successor takes over; 0 turns scheduled rotation off.",
            Duration.ZERO, Duration.ofDays(3650));
    public static final Setting<Duration> KEYS_PUBLISH_LEAD = Setting.duration("keys.publish-lead", "10m",
            "A new key is in the JWKS this long before it signs anything; at least keys.jwks-max-age.",
            Duration.ZERO, Duration.ofDays(30));
    public static final Setting<Duration> KEYS_JWKS_MAX_AGE = Setting.duration("keys.jwks-max-age", "5m",
            "Cache-Control max-age of the JWKS and the metadata.", Duration.ZERO, Duration.ofDays(1));
    public static final Setting<String> CRYPTO_PROVIDER = new Setting<>("crypto.provider", "auto",
            "auto: the AWS-LC provider (ACCP) where the platform has it, else the JDK's; jdk: the JDK's only.", v -> {
                if (!v.equals("auto") && !v.equals("jdk")) {
                    throw new IllegalArgumentException("must be auto or jdk");
                }
                return v;
            });
    public static final Setting<RateLimit> RATE_LIMIT_CLIENT_TOKENS = new Setting<>("rate-limit.client-tokens", "off",
            "Each client's limit on token requests, N/s, N/m or N/h (a burst of N, refilled evenly), or off; a client's own token_rate_limit wins. Over it: 429 with Retry-After.",
            RateLimit::parse);
    public static final Setting<Integer> RATE_LIMIT_FAILED_AUTH = Setting.integer("rate-limit.failed-auth", "5",
            "Failed client authentications a source address, and a client id, may make within 15 minutes before each further one doubles their wait (429 with Retry-After); 0 turns the back-off off.",
            0, 1000);
    public static final Setting<Duration> RATE_LIMIT_FAILED_AUTH_MAX_BACKOFF = Setting.duration(
            "rate-limit.failed-auth-max-backoff", "5m", "The longest wait after failed authentications.",
            Duration.ofSeconds(1), Duration.ofHours(1));
    public static final Setting<Duration> ASSERTION_MAX_LIFETIME = Setting.duration("client-assertion.max-lifetime", "5m",
            "A client assertion (private_key_jwt) whose exp is further ahead than this is refused.",
            Duration.ofSeconds(10), Duration.ofHours(1));
    public static final Setting<Duration> ASSERTION_CLOCK_SKEW = Setting.duration("client-assertion.clock-skew", "30s",
            "Tolerance when comparing a client assertion's exp, nbf and iat with Keycard's clock.",
            Duration.ZERO, Duration.ofMinutes(5));
    public static final Setting<Boolean> ASSERTION_TOKEN_ENDPOINT_AUDIENCE = Setting.bool(
            "client-assertion.token-endpoint-audience", "false",
            "Also accept the token endpoint's URL as a client assertion's aud (older clients send it); by default only the issuer identifier, so that an assertion cannot be replayed at another server.");
    public static final Setting<Boolean> ASSERTION_ALLOW_HTTP_JWKS_URI = Setting.bool(
            "client-assertion.allow-http-jwks-uri", "false",
            "Allow clients a jwks_uri, and trust sources an issuer or key URL, over plain http, for development; by default https only.");
    public static final Setting<Duration> ASSERTION_JWKS_TIMEOUT = Setting.duration("client-assertion.jwks-timeout", "5s",
            "The longest fetch of a client's jwks_uri or a trust source's keys, and the longest a token request waits for one.",
            Duration.ofMillis(100), Duration.ofMinutes(1));
    public static final Setting<Integer> ASSERTION_JWKS_MAX_BYTES = Setting.integer("client-assertion.jwks-max-bytes",
            "262144", "The largest JWK Set fetched from a client's jwks_uri; a larger answer is abandoned.",
            1024, 16 * 1024 * 1024);
    public static final Setting<Duration> ASSERTION_JWKS_REFETCH = Setting.duration(
            "client-assertion.jwks-refetch-interval", "30s",
            "A client's jwks_uri is fetched again for an assertion whose kid it does not know (a key rotation) at most this often.",
            Duration.ofSeconds(1), Duration.ofHours(1));
    public static final Setting<Duration> DPOP_PROOF_MAX_AGE = Setting.duration("dpop.proof-max-age", "60s",
            "A DPoP proof (RFC 9449) is accepted this long after its iat, and its jti remembered as long, on every node.",
            Duration.ofSeconds(5), Duration.ofMinutes(10));
    public static final Setting<Boolean> DPOP_NONCE_REQUIRED = Setting.bool("dpop.nonce-required", "false",
            "Require a server nonce in every DPoP proof at the token endpoint (RFC 9449 section 8): a proof without one, or with a stale one, is answered use_dpop_nonce with a fresh nonce in the DPoP-Nonce header. Nonces change every minute and every node accepts them (they are derived from the master key).");
    public static final Setting<Boolean> METRICS_ENABLED = Setting.bool("metrics.enabled", "false",
            "Serve GET /metrics (Prometheus text format, with JVM metrics) on the management port, else on the HTTP port, without authentication: keep it off the public network.");
    public static final Setting<Boolean> CONSOLE_ENABLED = Setting.bool("console.enabled", "false",
            "Serve the web console at /console (on the management port when management.port is set, else on the HTTP port). Sign in with a one-time link from `keycard console`.");
    public static final Setting<LogFormat> LOG_FORMAT = new Setting<>("log.format", "text",
            "text: lines for people; json: one JSON object per line (time, level, logger, message), for a log pipeline. Both to standard error.",
            LogFormat::parse);
    public static final Setting<Boolean> LOG_ACCESS = Setting.bool("log.access", "false",
            "One line per HTTP request (logger keycard.access): time, method, path, status, duration, client_id when known, source address; never a secret or a token.");
    public static final Setting<Level> LOG_LEVEL = new Setting<>("log.level", "info",
            "Keycard's own records at this level and above: error, warn, info or debug. Libraries log at warn; the audit log is always written.",
            Settings::logLevel);

    /** All keys, in documentation order. */
    public static final List<Setting<?>> ALL = List.of(ISSUER, HTTP_HOST, HTTP_PORT, HTTP_MAX_BODY, HTTP_MAX_HEADER,
            HTTP_IDLE_TIMEOUT, HTTP_REQUEST_TIMEOUT, HTTP_HEADER_TIMEOUT, HTTP_SHUTDOWN_GRACE, HTTP_TRUSTED_PROXIES,
            HTTP_EVENT_LOOPS, MANAGEMENT_PORT,
            MANAGEMENT_HOST, TLS_CERT_FILE, TLS_KEY_FILE, TLS_CLIENT_AUTH_WANT, TLS_CLIENT_CA_FILE, TLS_CLIENT_CRL_FILE, TLS_TRUSTED_PROXIES, DATA_DIR, STORE_URL, STORE_USER, STORE_PASSWORD,
            STORE_POOL_SIZE, MASTER_KEY, MASTER_KEY_FILE, TOKEN_DEFAULT_LIFETIME, TOKEN_MAX_LIFETIME,
            SECRET_GRACE_PERIOD, SECRET_USAGE_FLUSH, SECRET_USAGE_RESOLUTION, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, KEYS_ROTATION_PERIOD,
            KEYS_PUBLISH_LEAD, KEYS_JWKS_MAX_AGE, CRYPTO_PROVIDER, RATE_LIMIT_CLIENT_TOKENS, RATE_LIMIT_FAILED_AUTH,
            RATE_LIMIT_FAILED_AUTH_MAX_BACKOFF, ASSERTION_MAX_LIFETIME, ASSERTION_CLOCK_SKEW,
            ASSERTION_TOKEN_ENDPOINT_AUDIENCE, ASSERTION_ALLOW_HTTP_JWKS_URI, ASSERTION_JWKS_TIMEOUT,
            ASSERTION_JWKS_MAX_BYTES, ASSERTION_JWKS_REFETCH, DPOP_PROOF_MAX_AGE, DPOP_NONCE_REQUIRED, METRICS_ENABLED, CONSOLE_ENABLED, LOG_FORMAT, LOG_ACCESS, LOG_LEVEL);

    private Settings() {
    }

    private static Boolean clientAuth(String value) {
        return switch (value) {
            case "none" -> false;
            case "want" -> true;
            default -> throw new IllegalArgumentException("must be none or want, not '" + value + "'");
        };
    }

    private static OptionalInt managementPort(String value) {
        String v = value.trim();
        if (v.isEmpty() || v.equals("-1")) {
            return OptionalInt.empty();
        }
        int port;
        try {
            port = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number, or empty or -1 for off");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("must be between 0 and 65535, or empty or -1 for off");
        }
        return OptionalInt.of(port);
    }

    private static Level logLevel(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "error" -> Level.ERROR;
            case "warn" -> Level.WARN;
            case "info" -> Level.INFO;
            case "debug" -> Level.DEBUG;
            default -> throw new IllegalArgumentException("must be error, warn, info or debug");
        };
    }
}
