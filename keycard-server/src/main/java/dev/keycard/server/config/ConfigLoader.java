package dev.keycard.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the configuration from, lowest precedence first: the defaults, a properties file, the
 * environment ({@code KEYCARD_…}) and command-line overrides. Unknown keys and bad values stop
 * the start with a message that names the key.
 */
public final class ConfigLoader {

    /** Environment variables of the CLI's, not the server's: not unknown keys. */
    private static final Set<String> CLIENT_VARIABLES = Set.of("KEYCARD_URL", "KEYCARD_CONFIG",
            "KEYCARD_CLIENT_ID", "KEYCARD_CLIENT_SECRET", "KEYCARD_JAVA_OPTS", "KEYCARD_EXTRA_JAVA_OPTS");
    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]");

    private ConfigLoader() {
    }

    /**
     * @param file a properties file, if any
     * @param env the process environment
     * @param overrides command-line settings ({@code --set key=value})
     * @throws ConfigException naming the key, when anything is unknown or invalid
     */
    public static ServerConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, Setting<?>> byKey = Settings.ALL.stream().collect(Collectors.toMap(Setting::key, s -> s));
        Map<String, Setting<?>> byVariable = Settings.ALL.stream()
                .collect(Collectors.toMap(Setting::environmentVariable, s -> s));
        Map<String, String> raw = new HashMap<>();
        Map<String, String> origin = new HashMap<>();

        if (file.isPresent()) {
            Properties props = new Properties();
            try (Reader r = Files.newBufferedReader(file.get(), StandardCharsets.UTF_8)) {
                props.load(r);
            } catch (IOException e) {
                throw new ConfigException("cannot read configuration file " + file.get() + ": " + e.getMessage());
            }
            for (String key : props.stringPropertyNames()) {
                requireKnown(byKey, key, "in " + file.get());
                raw.put(key, props.getProperty(key).trim());
                origin.put(key, "'" + key + "' in " + file.get());
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith("KEYCARD_") || CLIENT_VARIABLES.contains(e.getKey())) {
                continue;
            }
            Setting<?> s = byVariable.get(e.getKey());
            if (s == null) {
                throw new ConfigException("unknown environment variable " + e.getKey()
                        + " (no configuration key maps to it; see docs/configuration.md)");
            }
            raw.put(s.key(), e.getValue());
            origin.put(s.key(), "environment variable " + e.getKey());
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            requireKnown(byKey, e.getKey(), "on the command line");
            raw.put(e.getKey(), e.getValue());
            origin.put(e.getKey(), "'" + e.getKey() + "' on the command line");
        }

        Values values = new Values(raw, origin);
        String host = values.get(Settings.HTTP_HOST);
        int port = values.get(Settings.HTTP_PORT);
        OptionalInt managementPort = values.get(Settings.MANAGEMENT_PORT);
        String managementHost = values.get(Settings.MANAGEMENT_HOST).trim();
        if (managementHost.isEmpty()) {
            managementHost = host;
        }
        if (managementPort.isPresent() && managementPort.getAsInt() != 0 && managementPort.getAsInt() == port
                && sameAddress(host, managementHost)) {
            throw new ConfigException(values.where(Settings.MANAGEMENT_PORT) + ": must differ from http.port ("
                    + port + "): health and metrics get a port of their own, or leave management.port empty "
                    + "to serve them on http.port");
        }
        Path dataDir = Path.of(values.get(Settings.DATA_DIR));
        String issuer = values.get(Settings.ISSUER);
        if (!issuer.isEmpty()) {
            values.check(Settings.ISSUER, issuer, IssuerRules::require);
        }
        Duration defaultLifetime = values.get(Settings.TOKEN_DEFAULT_LIFETIME);
        Duration maxLifetime = values.get(Settings.TOKEN_MAX_LIFETIME);
        if (defaultLifetime.compareTo(maxLifetime) > 0) {
            throw new ConfigException("token.default-lifetime (" + Setting.format(defaultLifetime)
                    + ") must not exceed token.max-lifetime (" + Setting.format(maxLifetime) + ")");
        }
        String masterKey = values.get(Settings.MASTER_KEY);
        String masterKeyFile = values.get(Settings.MASTER_KEY_FILE);
        String adminSecret = values.get(Settings.ADMIN_CLIENT_SECRET);
        if (!adminSecret.isEmpty() && adminSecret.length() < 32) {
            throw new ConfigException(values.where(Settings.ADMIN_CLIENT_SECRET)
                    + ": must be at least 32 characters (use a generated secret)");
        }
        String adminId = values.get(Settings.ADMIN_CLIENT_ID);
        values.check(Settings.ADMIN_CLIENT_ID, adminId, ClientIdRules::require);
        String storeUrl = values.get(Settings.STORE_URL);
        if (!storeUrl.isEmpty() && !storeUrl.startsWith("jdbc:postgresql:") && !storeUrl.startsWith("jdbc:sqlite:")) {
            throw new ConfigException(values.where(Settings.STORE_URL)
                    + ": must be a jdbc:postgresql: or jdbc:sqlite: URL");
        }
        Duration publishLead = values.get(Settings.KEYS_PUBLISH_LEAD);
        Duration jwksMaxAge = values.get(Settings.KEYS_JWKS_MAX_AGE);
        if (publishLead.compareTo(jwksMaxAge) < 0) {
            throw new ConfigException("keys.publish-lead (" + Setting.format(publishLead)
                    + ") must be at least keys.jwks-max-age (" + Setting.format(jwksMaxAge)
                    + "): a verifier caching the JWKS that long must see a new key before its first token");
        }
        return new ServerConfig(issuer, host, port,
                values.get(Settings.HTTP_MAX_BODY), values.get(Settings.HTTP_MAX_HEADER),
                values.get(Settings.HTTP_IDLE_TIMEOUT), values.get(Settings.HTTP_REQUEST_TIMEOUT),
                values.get(Settings.HTTP_HEADER_TIMEOUT), values.get(Settings.HTTP_SHUTDOWN_GRACE),
                values.get(Settings.HTTP_TRUSTED_PROXIES), values.get(Settings.TLS_TRUSTED_PROXIES),
                values.get(Settings.HTTP_EVENT_LOOPS),
                managementPort, managementHost, dataDir,
                storeUrl.isEmpty() ? Optional.empty() : Optional.of(storeUrl),
                values.get(Settings.STORE_USER), values.get(Settings.STORE_PASSWORD), values.get(Settings.STORE_POOL_SIZE),
                masterKey.isEmpty() ? Optional.empty() : Optional.of(masterKey),
                masterKeyFile.isEmpty() ? dataDir.resolve("master.key") : Path.of(masterKeyFile),
                defaultLifetime, maxLifetime, values.get(Settings.SECRET_GRACE_PERIOD),
                values.get(Settings.SECRET_USAGE_FLUSH), values.get(Settings.SECRET_USAGE_RESOLUTION), adminId,
                adminSecret.isEmpty() ? Optional.empty() : Optional.of(adminSecret),
                values.get(Settings.CRYPTO_PROVIDER).equals("auto"),
                new ServerConfig.KeyPolicy(values.get(Settings.KEYS_ROTATION_PERIOD), publishLead, jwksMaxAge),
                new ServerConfig.RateLimits(values.get(Settings.RATE_LIMIT_CLIENT_TOKENS),
                        values.get(Settings.RATE_LIMIT_FAILED_AUTH), values.get(Settings.RATE_LIMIT_FAILED_AUTH_MAX_BACKOFF)),
                new ServerConfig.AssertionPolicy(values.get(Settings.ASSERTION_MAX_LIFETIME),
                        values.get(Settings.ASSERTION_CLOCK_SKEW), values.get(Settings.ASSERTION_TOKEN_ENDPOINT_AUDIENCE),
                        values.get(Settings.ASSERTION_ALLOW_HTTP_JWKS_URI), values.get(Settings.ASSERTION_JWKS_TIMEOUT),
                        values.get(Settings.ASSERTION_JWKS_MAX_BYTES), values.get(Settings.ASSERTION_JWKS_REFETCH)),
                new ServerConfig.DPoPPolicy(values.get(Settings.DPOP_PROOF_MAX_AGE), values.get(Settings.DPOP_NONCE_REQUIRED)),
                values.get(Settings.METRICS_ENABLED), values.get(Settings.CONSOLE_ENABLED), values.get(Settings.LOG_FORMAT), values.get(Settings.LOG_ACCESS),
                values.get(Settings.LOG_LEVEL), tls(values), clientCaFile(values), clientCrlFile(values));
    }

    /**
     * TLS when tls.cert-file is set: both files readable PEM of the right kind, and a CA file
     * exactly when client certificates are wanted. The key itself is checked when the port is
     * bound, which fails the start naming tls.key-file.
     */
    private static Optional<ServerConfig.Tls> tls(Values values) {
        String cert = values.get(Settings.TLS_CERT_FILE);
        String key = values.get(Settings.TLS_KEY_FILE);
        boolean want = values.get(Settings.TLS_CLIENT_AUTH_WANT);
        String ca = values.get(Settings.TLS_CLIENT_CA_FILE);
        boolean proxies = !values.get(Settings.TLS_TRUSTED_PROXIES).isEmpty();
        if (cert.isEmpty() && key.isEmpty()) {
            if (want || (!ca.isEmpty() && !proxies)) {
                throw new ConfigException((want ? values.where(Settings.TLS_CLIENT_AUTH_WANT)
                        : values.where(Settings.TLS_CLIENT_CA_FILE)) + ": needs TLS (tls.cert-file and tls.key-file),"
                        + " or a TLS-terminating proxy in tls.trusted-proxies");
            }
            if (!ca.isEmpty()) {
                pem(values, Settings.TLS_CLIENT_CA_FILE, ca, "CERTIFICATE-----", "PEM CA certificates");
            }
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw new ConfigException((cert.isEmpty() ? "tls.cert-file" : "tls.key-file")
                    + " is required with " + (cert.isEmpty() ? values.where(Settings.TLS_KEY_FILE)
                    : values.where(Settings.TLS_CERT_FILE)));
        }
        pem(values, Settings.TLS_CERT_FILE, cert, "CERTIFICATE-----", "a PEM certificate chain");
        pem(values, Settings.TLS_KEY_FILE, key, "PRIVATE KEY-----", "a PEM private key");
        if (want && ca.isEmpty()) {
            throw new ConfigException("tls.client-ca-file is required with " + values.where(Settings.TLS_CLIENT_AUTH_WANT)
                    + " want: the authorities whose client certificates count");
        }
        if (!want && !proxies && !ca.isEmpty()) {
            throw new ConfigException(values.where(Settings.TLS_CLIENT_CA_FILE)
                    + ": set tls.client-auth to want (or tls.trusted-proxies), or leave the CA file out");
        }
        if (!ca.isEmpty()) {
            pem(values, Settings.TLS_CLIENT_CA_FILE, ca, "CERTIFICATE-----", "PEM CA certificates");
        }
        return Optional.of(new ServerConfig.Tls(Path.of(cert), Path.of(key), want,
                ca.isEmpty() ? Optional.empty() : Optional.of(Path.of(ca))));
    }

    /** The authorities of client certificates, from the TLS connection or a trusted proxy (checked by {@link #tls}). */
    private static Optional<Path> clientCaFile(Values values) {
        String ca = values.get(Settings.TLS_CLIENT_CA_FILE);
        return ca.isEmpty() ? Optional.empty() : Optional.of(Path.of(ca));
    }

    /** The revocation lists of those authorities: only with a CA file, and PEM CRLs. */
    private static Optional<Path> clientCrlFile(Values values) {
        String crl = values.get(Settings.TLS_CLIENT_CRL_FILE);
        if (crl.isEmpty()) {
            return Optional.empty();
        }
        if (values.get(Settings.TLS_CLIENT_CA_FILE).isEmpty()) {
            throw new ConfigException(values.where(Settings.TLS_CLIENT_CRL_FILE)
                    + ": needs tls.client-ca-file, the authorities whose revocation lists these are");
        }
        pem(values, Settings.TLS_CLIENT_CRL_FILE, crl, "X509 CRL-----", "PEM certificate revocation lists (X509 CRL)");
        return Optional.of(Path.of(crl));
    }

    private static void pem(Values values, Setting<String> setting, String file, String marker, String what) {
        String text;
        try {
            text = java.nio.file.Files.readString(Path.of(file), java.nio.charset.StandardCharsets.US_ASCII);
        } catch (java.io.IOException | RuntimeException e) {
            throw new ConfigException(values.where(setting) + ": cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (!text.contains("-----BEGIN ") || !text.contains(marker)) {
            throw new ConfigException(values.where(setting) + ": " + file + " is not " + what);
        }
    }

    /** Whether two listen addresses would take the same port: equal, or either is every address. */
    private static boolean sameAddress(String a, String b) {
        return a.equals(b) || WILDCARDS.contains(a) || WILDCARDS.contains(b);
    }

    private static void requireKnown(Map<String, Setting<?>> byKey, String key, String where) {
        if (!byKey.containsKey(key)) {
            throw new ConfigException("unknown configuration key '" + key + "' " + where
                    + " (see docs/configuration.md)");
        }
    }

    /** Reads typed values, naming where each came from when one is bad. */
    private record Values(Map<String, String> raw, Map<String, String> origin) {

        <T> T get(Setting<T> s) {
            String v = raw.getOrDefault(s.key(), s.defaultValue());
            try {
                return s.parser().apply(v);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where(s) + ": " + e.getMessage());
            }
        }

        <T> void check(Setting<T> s, String value, Function<String, String> rule) {
            try {
                rule.apply(value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where(s) + ": " + e.getMessage());
            }
        }

        String where(Setting<?> s) {
            return origin.getOrDefault(s.key(), "'" + s.key() + "'");
        }
    }
}
