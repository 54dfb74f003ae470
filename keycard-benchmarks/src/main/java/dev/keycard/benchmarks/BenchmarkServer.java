package dev.keycard.benchmarks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.KeycardServer;
import dev.keycard.server.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real Keycard for benchmarks: started in this JVM on a loopback port, its store in a fresh
 * temporary directory, with the APIs and the one client granted all of them made through the admin
 * API over HTTP, as an operator makes them. {@link #close()} stops it and deletes the directory.
 */
final class BenchmarkServer implements AutoCloseable {

    /** An API to register: its identifier (the tokens' {@code aud}) and its {@code signing_alg}. */
    record Api(String identifier, String signingAlg) {
    }

    static final String CLIENT_ID = "bench-client";
    static final String SCOPE = "bench:read";
    static final String FORM = "application/x-www-form-urlencoded";

    private static final String ADMIN_ID = "keycard-admin";
    /** Fixed, so the admin client is known without reading what the first start prints. */
    private static final String ADMIN_SECRET = "kcs_bench-admin-secret-0123456789abcdefghij";

    private final Path dataDir;
    private final KeycardServer server;
    private final HttpClient http;
    private final String clientSecret;

    private BenchmarkServer(Path dataDir, KeycardServer server, HttpClient http, String clientSecret) {
        this.dataDir = dataDir;
        this.server = server;
        this.http = http;
        this.clientSecret = clientSecret;
    }

    /**
     * Starts Keycard and registers {@code apis} and the client.
     *
     * @param cryptoProvider the {@code crypto.provider} setting: {@code auto} or {@code jdk}
     */
    static BenchmarkServer start(String cryptoProvider, List<Api> apis) throws Exception {
        Path dir = Files.createTempDirectory("keycard-bench-");
        KeycardServer server;
        try {
            // Audit events are dropped, not logged: a setup that makes 100,000 clients would print an
            // admin.change line for each into JMH's output, and no token the benchmarks ask for is audited.
            server = KeycardServer.start(ServerConfig.of(Map.of(
                    "http.host", "127.0.0.1",
                    "http.port", "0",
                    "data.dir", dir.toString(),
                    "admin.client-secret", ADMIN_SECRET,
                    "crypto.provider", cryptoProvider)), Clock.systemUTC(), batch -> { });
        } catch (Exception | Error e) {
            deleteAfterFailure(dir, e);
            throw e;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            String secret = register(http, server.baseUri(), apis);
            return new BenchmarkServer(dir, server, http, secret);
        } catch (Exception | Error e) {
            server.close();
            deleteAfterFailure(dir, e);
            throw e;
        }
    }

    KeycardServer server() {
        return server;
    }

    String clientSecret() {
        return clientSecret;
    }

    /** The client's {@code Authorization} header, RFC 6749 §2.3.1. */
    String clientAuthorization() {
        return basic(CLIENT_ID, clientSecret);
    }

    /**
     * Registers {@code count} more clients through the admin API, {@code concurrency} requests at a
     * time, each granted {@link #SCOPE} at {@code api}, and returns their {@code Authorization}
     * headers in the order made. For benchmarks of a large registry; 100,000 take about 30 s.
     */
    List<String> addClients(int count, Api api, int concurrency) throws Exception {
        String adminToken = adminToken(http, server.baseUri());
        JsonObject grant = new JsonObject().put("api", api.identifier()).put("scopes", List.of(SCOPE));
        String[] headers = new String[count];
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        String id = String.format("bench-%07d", i);
                        JsonObject made = adminPost(http, server.baseUri(), adminToken, "/admin/v1/clients",
                                new JsonObject().put("client_id", id).put("name", id).put("grants", List.of(grant)));
                        headers[i] = basic(id, made.getString("client_secret"));
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        }
        return List.of(headers);
    }

    /** A token request body naming {@code api} with {@code resource} (RFC 8707), encoded as a client sends it. */
    static byte[] tokenRequestBody(Api api) {
        return ("grant_type=client_credentials&resource=" + enc(api.identifier())).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks that {@code accessToken} is what a resource server of {@code api} accepts: signed with
     * the API's algorithm by a key of the published JWKS, for its audience, with the granted scope.
     * Run once before measuring, so a benchmark never times a path that fails.
     */
    void verify(String accessToken, Api api) throws IOException, InterruptedException, ParseException,
            JOSEException {
        SignedJWT jwt = SignedJWT.parse(accessToken);
        JWKSet jwks = JWKSet.parse(send(HttpRequest.newBuilder(server.baseUri().resolve("/oauth2/jwks")).GET(), 200));
        JWK key = jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        if (key == null) {
            throw new IllegalStateException("no published key has kid " + jwt.getHeader().getKeyID());
        }
        JWSVerifier verifier = switch (key) {
            case RSAKey rsa -> new RSASSAVerifier(rsa);
            case ECKey ec -> new ECDSAVerifier(ec);
            default -> throw new IllegalStateException("no verifier here for key type " + key.getKeyType());
        };
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        if (!jwt.getHeader().getAlgorithm().getName().equals(api.signingAlg()) || !jwt.verify(verifier)
                || !claims.getAudience().equals(List.of(api.identifier()))
                || !SCOPE.equals(claims.getStringClaim("scope"))) {
            throw new IllegalStateException("token for " + api.identifier() + " is not as expected: "
                    + jwt.getHeader() + " " + claims.toJSONObject().keySet());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            http.close();
            deleteTree(dataDir);
        }
    }

    /** Creates the APIs and the client; returns the client's secret. */
    private static String register(HttpClient http, URI base, List<Api> apis) throws IOException, InterruptedException {
        String adminToken = adminToken(http, base);
        List<JsonObject> grants = new ArrayList<>();
        for (Api api : apis) {
            adminPost(http, base, adminToken, "/admin/v1/apis", new JsonObject()
                    .put("identifier", api.identifier())
                    .put("name", "Benchmark " + api.signingAlg())
                    .put("scopes", List.of(SCOPE))
                    .put("signing_alg", api.signingAlg()));
            grants.add(new JsonObject().put("api", api.identifier()).put("scopes", List.of(SCOPE)));
        }
        JsonObject client = adminPost(http, base, adminToken, "/admin/v1/clients", new JsonObject()
                .put("client_id", CLIENT_ID)
                .put("name", "Benchmark client")
                .put("grants", grants));
        return client.getString("client_secret");
    }

    private static String adminToken(HttpClient http, URI base) throws IOException, InterruptedException {
        HttpRequest.Builder tokenRequest = HttpRequest.newBuilder(base.resolve("/oauth2/token"))
                .header("Content-Type", FORM)
                .header("Authorization", basic(ADMIN_ID, ADMIN_SECRET))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"));
        return new JsonObject(send(http, tokenRequest, 200)).getString("access_token");
    }

    private static JsonObject adminPost(HttpClient http, URI base, String token, String path, JsonObject body)
            throws IOException, InterruptedException {
        return new JsonObject(send(http, HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())), 201));
    }

    private String send(HttpRequest.Builder request, int expected) throws IOException, InterruptedException {
        return send(http, request, expected);
    }

    private static String send(HttpClient http, HttpRequest.Builder request, int expected)
            throws IOException, InterruptedException {
        HttpRequest r = request.timeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != expected) {
            throw new IllegalStateException(r.method() + " " + r.uri().getPath() + " answered "
                    + response.statusCode() + ", not " + expected + ": " + response.body());
        }
        return response.body();
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((enc(id) + ":" + enc(secret))
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void deleteAfterFailure(Path dir, Throwable failure) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
