import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load side of keycard-benchmarks/scale.sh, run from source ({@code java -cp keycard.jar
 * ScaleDriver.java MODE ...}) so it needs no build of its own; keycard.jar on the class path gives
 * it the JDBC drivers. Every mode prints Markdown or plain numbers on stdout.
 *
 * <ul>
 *   <li>{@code schema-create URL}: a fresh PostgreSQL schema; prints the JDBC URL that uses it.</li>
 *   <li>{@code schema-drop URL}: drops the schema the URL names.</li>
 *   <li>{@code setting URL NAME}: prints a PostgreSQL setting, e.g. autovacuum.</li>
 *   <li>{@code create BASE N BLOCK CONCURRENCY API CREDENTIALS_FILE}: creates N clients through the
 *   admin API, CONCURRENCY at a time, each granted bench:read at API; a table row per BLOCK
 *   clients (creates/s, p50, p99); appends each client's Basic header to the file.</li>
 *   <li>{@code page BASE COUNT}: GETs the first page of the client list once cold, 20 times to warm
 *   up, then COUNT times, one at a time; prints p50, p99 and the cold request, in ms.</li>
 *   <li>{@code revoke BASE N CONCURRENCY CLIENT_ID CLIENT_SECRET API}: N tokens issued to the client
 *   and revoked (RFC 7009), CONCURRENCY at a time; prints revocations/s.</li>
 *   <li>{@code keyed-client BASE CLIENT_ID API KEY_FILE}: a P-256 key pair made here, its public
 *   half registered as a private_key_jwt client granted bench:read at API, its private JWK written
 *   to KEY_FILE (mode 0600).</li>
 *   <li>{@code assertions KEY_FILE CLIENT_ID AUDIENCE BODY_PREFIX COUNT FILE}: COUNT token request
 *   bodies, each BODY_PREFIX and a fresh ES256 client assertion (a random jti, exp five minutes
 *   ahead), one per line, for wrk to send one after another.</li>
 *   <li>{@code dpop-proofs HTU COUNT FILE}: COUNT DPoP proofs (RFC 9449) for {@code POST HTU}, each
 *   with a random jti and iat now, signed ES256 by one P-256 key made here, one per line.</li>
 * </ul>
 * The admin client's credentials come from KEYCARD_ADMIN_CLIENT_ID and KEYCARD_ADMIN_CLIENT_SECRET,
 * never from the command line.
 */
public final class ScaleDriver {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SECRET = Pattern.compile("\"client_secret\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "schema-create" -> schemaCreate(args[1]);
            case "schema-drop" -> schemaDrop(args[1]);
            case "setting" -> setting(args[1], args[2]);
            case "create" -> create(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), args[5], Path.of(args[6]));
            case "page" -> page(args[1], Integer.parseInt(args[2]));
            case "revoke" -> revoke(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4], args[5],
                    args[6]);
            case "keyed-client" -> keyedClient(args[1], args[2], args[3], Path.of(args[4]));
            case "assertions" -> assertions(Path.of(args[1]), args[2], args[3], args[4], Integer.parseInt(args[5]),
                    Path.of(args[6]));
            case "federated-client" -> federatedClient(args[1], args[2], args[3], Path.of(args[4]));
            case "dpop-proofs" -> dpopProofs(args[1], Integer.parseInt(args[2]), Path.of(args[3]));
            default -> {
                System.err.println("usage: ScaleDriver schema-create|schema-drop|setting|create|page|revoke|keyed-client|assertions|federated-client|dpop-proofs ...");
                System.exit(2);
            }
        }
    }

    private static void schemaCreate(String url) throws Exception {
        String schema = "kc_scale_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        System.out.println(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    }

    private static void schemaDrop(String url) throws Exception {
        Matcher m = Pattern.compile("currentSchema=(kc_scale_[a-z0-9]+)").matcher(url);
        if (!m.find()) {
            throw new IllegalArgumentException("not a scale schema: " + url);
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + m.group(1) + " CASCADE");
        }
    }

    /** Prints a PostgreSQL setting ({@code SHOW}), e.g. whether autovacuum runs. */
    private static void setting(String url, String name) throws Exception {
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a setting name: " + name);
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             var rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            System.out.println(rs.getString(1));
        }
    }

    /** An admin token, fetched again when the server refuses the one held. */
    private static final class Admin {
        private final String base;
        private volatile String token;

        Admin(String base) throws Exception {
            this.base = base;
            this.token = fetch();
        }

        private String fetch() throws Exception {
            String id = System.getenv("KEYCARD_ADMIN_CLIENT_ID");
            String secret = System.getenv("KEYCARD_ADMIN_CLIENT_SECRET");
            return token(base, id, secret, "");
        }

        HttpResponse<String> send(String method, String path, String json) throws Exception {
            for (int attempt = 0; ; attempt++) {
                HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token);
                if (json == null) {
                    r.method(method, HttpRequest.BodyPublishers.noBody());
                } else {
                    r.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
                }
                HttpResponse<String> answer = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 401 && attempt == 0) {
                    token = fetch();
                    continue;
                }
                return answer;
            }
        }
    }

    static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode(id, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    }

    static String token(String base, String id, String secret, String resource) throws Exception {
        String body = "grant_type=client_credentials"
                + (resource.isEmpty() ? "" : "&resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Authorization", basic(id, secret)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = ACCESS_TOKEN.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IOException("token request answered " + r.statusCode() + ": " + r.body());
        }
        return m.group(1);
    }

    private static void create(String base, int n, int block, int concurrency, String api, Path credentials)
            throws Exception {
        Admin admin = new Admin(base);
        System.out.println("| clients registered | creates/s | p50 (ms) | p99 (ms) | max (ms) |");
        System.out.println("|---:|---:|---:|---:|---:|");
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicInteger next = new AtomicInteger();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(credentials, StandardCharsets.UTF_8))) {
            for (int from = 0; from < n; from += block) {
                int to = Math.min(n, from + block);
                long[] latencies = new long[to - from];
                String[] lines = new String[to - from];
                int start = from;
                long began = System.nanoTime();
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < concurrency; t++) {
                    work.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < to; i = next.getAndIncrement()) {
                            String id = String.format("scale-%07d", i);
                            String json = "{\"client_id\":\"" + id + "\",\"name\":\"Scale " + i + "\",\"grants\":[{\"api\":\""
                                    + api + "\",\"scopes\":[\"bench:read\"]}]}";
                            long t0 = System.nanoTime();
                            HttpResponse<String> r = admin.send("POST", "/admin/v1/clients", json);
                            latencies[i - start] = System.nanoTime() - t0;
                            Matcher m = SECRET.matcher(r.body());
                            if (r.statusCode() != 201 || !m.find()) {
                                throw new IOException("create answered " + r.statusCode() + ": " + r.body());
                            }
                            lines[i - start] = basic(id, m.group(1));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get();
                }
                double seconds = (System.nanoTime() - began) / 1e9;
                next.set(to);
                for (String line : lines) {
                    out.println(line);
                }
                Arrays.sort(latencies);
                System.out.printf("| %,d → %,d | %.0f | %.1f | %.1f | %.1f |%n", from, to, (to - from) / seconds,
                        ms(latencies, 0.50), ms(latencies, 0.99), latencies[latencies.length - 1] / 1e6);
                System.out.flush();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static void page(String base, int count) throws Exception {
        Admin admin = new Admin(base);
        long cold = System.nanoTime();
        get(admin, "/admin/v1/clients");
        cold = System.nanoTime() - cold;
        for (int i = 0; i < 20; i++) { // warm-up: the list path compiled, as on a server in use
            get(admin, "/admin/v1/clients");
        }
        long[] latencies = new long[count];
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            get(admin, "/admin/v1/clients");
            latencies[i] = System.nanoTime() - t0;
        }
        Arrays.sort(latencies);
        System.out.printf("%.1f %.1f %.1f%n", ms(latencies, 0.50), ms(latencies, 0.99), cold / 1e6);
    }

    private static void get(Admin admin, String path) throws Exception {
        HttpResponse<String> r = admin.send("GET", path, null);
        if (r.statusCode() != 200) {
            throw new IOException("list answered " + r.statusCode());
        }
    }

    private static void revoke(String base, int n, int concurrency, String id, String secret, String api)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicInteger next = new AtomicInteger();
        String authorization = basic(id, secret);
        long began = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            work.add(pool.submit(() -> {
                while (next.getAndIncrement() < n) {
                    String token = token(base, id, secret, api);
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/revoke"))
                            .header("Authorization", authorization)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IOException("revoke answered " + r.statusCode() + ": " + r.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("%.0f%n", n / ((System.nanoTime() - began) / 1e9));
    }

    private static void keyedClient(String base, String clientId, String api, Path keyFile) throws Exception {
        com.nimbusds.jose.jwk.ECKey key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                com.nimbusds.jose.jwk.Curve.P_256).keyID(clientId + "-key").generate();
        String json = "{\"client_id\":\"" + clientId + "\",\"name\":\"" + clientId + "\",\"jwks\":"
                + new com.nimbusds.jose.jwk.JWKSet(key).toPublicJWKSet() + ",\"grants\":[{\"api\":\"" + api
                + "\",\"scopes\":[\"bench:read\"]}]}";
        HttpResponse<String> r = new Admin(base).send("POST", "/admin/v1/clients", json);
        if (r.statusCode() != 201) {
            throw new IOException("keyed client: " + r.statusCode() + " " + r.body());
        }
        Files.writeString(keyFile, key.toJSONString());
        Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    /**
     * A Kubernetes-shaped trust source (a cluster's P-256 key, given inline), a client without a
     * secret whose identity is one service account, and that account's projected token for
     * Keycard (an hour, as a kubelet projects it), written to {@code tokenFile}: the workload
     * presents that one token for every request, as a pod does.
     */
    private static void federatedClient(String base, String clientId, String api, Path tokenFile) throws Exception {
        com.nimbusds.jose.jwk.ECKey key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                com.nimbusds.jose.jwk.Curve.P_256).keyID("cluster-key").generate();
        String issuer = "https://kubernetes.bench";
        String subject = "system:serviceaccount:bench:" + clientId;
        Admin admin = new Admin(base);
        for (String[] call : new String[][] {
                {"/admin/v1/trust-sources", "{\"kind\":\"kubernetes\",\"name\":\"bench-cluster\",\"issuer\":\""
                        + issuer + "\",\"jwks\":" + new com.nimbusds.jose.jwk.JWKSet(key).toPublicJWKSet() + "}"},
                {"/admin/v1/clients", "{\"client_id\":\"" + clientId + "\",\"name\":\"" + clientId
                        + "\",\"auth_methods\":[],\"grants\":[{\"api\":\"" + api + "\",\"scopes\":[\"bench:read\"]}]}"},
                {"/admin/v1/clients/" + clientId + "/federated-identities", "{\"trust_source\":\"bench-cluster\","
                        + "\"subject\":\"" + subject + "\"}"}}) {
            HttpResponse<String> r = admin.send("POST", call[0], call[1]);
            if (r.statusCode() != 201) {
                throw new IOException(call[0] + ": " + r.statusCode() + " " + r.body());
            }
        }
        java.time.Instant now = java.time.Instant.now();
        com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(
                com.nimbusds.jose.JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(base)
                        .issueTime(java.util.Date.from(now)).notBeforeTime(java.util.Date.from(now))
                        .expirationTime(java.util.Date.from(now.plus(Duration.ofHours(1))))
                        .jwtID(UUID.randomUUID().toString()).build());
        jwt.sign(new com.nimbusds.jose.crypto.ECDSASigner(key));
        Files.writeString(tokenFile, jwt.serialize());
        Files.setPosixFilePermissions(tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    private static void assertions(Path keyFile, String clientId, String audience, String prefix, int count, Path out)
            throws Exception {
        useAwsLc();
        com.nimbusds.jose.jwk.ECKey key = com.nimbusds.jose.jwk.ECKey.parse(Files.readString(keyFile));
        com.nimbusds.jose.crypto.ECDSASigner signer = new com.nimbusds.jose.crypto.ECDSASigner(key);
        com.nimbusds.jose.JWSHeader header = new com.nimbusds.jose.JWSHeader.Builder(
                com.nimbusds.jose.JWSAlgorithm.ES256).keyID(key.getKeyID()).build();
        java.util.Date exp = java.util.Date.from(java.time.Instant.now().plus(Duration.ofMinutes(5)));
        String start = prefix + "&client_assertion_type="
                + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&client_assertion=";
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            for (int i = 0; i < count; i++) {
                com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(header,
                        new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
                                .expirationTime(exp).jwtID(UUID.randomUUID().toString()).build());
                jwt.sign(signer);
                w.println(start + jwt.serialize());
            }
        }
    }

    private static void dpopProofs(String htu, int count, Path out) throws Exception {
        useAwsLc();
        com.nimbusds.jose.jwk.ECKey key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
                .generate();
        com.nimbusds.jose.crypto.ECDSASigner signer = new com.nimbusds.jose.crypto.ECDSASigner(key);
        com.nimbusds.jose.JWSHeader header = new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.ES256)
                .type(new com.nimbusds.jose.JOSEObjectType("dpop+jwt")).jwk(key.toPublicJWK()).build();
        java.util.Date iat = new java.util.Date();
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            for (int i = 0; i < count; i++) {
                com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(header,
                        new com.nimbusds.jwt.JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
                                .claim("htm", "POST").claim("htu", htu).issueTime(iat).build());
                jwt.sign(signer);
                w.println(jwt.serialize());
            }
        }
    }

    /** AWS-LC signs ES256 about fifteen times faster than the JDK. */
    private static void useAwsLc() {
        try {
            Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider").getMethod("install")
                    .invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            System.err.println("the JDK signs (no AWS-LC): " + e);
        }
    }
}
