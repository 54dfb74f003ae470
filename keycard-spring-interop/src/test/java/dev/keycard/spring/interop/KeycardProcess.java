package dev.keycard.spring.interop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Keycard of its own, the {@code keycard.jar} this build packaged, run as a separate process so
 * that no Keycard class is on the Spring applications' classpath. The test talks to it over HTTP
 * only: its admin API, its token endpoint, its metrics.
 */
final class KeycardProcess implements AutoCloseable {

    static final String ADMIN_ID = "keycard-admin";
    private static final Path JAR = Path.of("..", "keycard-server", "target", "keycard.jar").toAbsolutePath().normalize();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final URI base;
    private final String adminSecret;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KeycardProcess(Process process, URI base, String adminSecret) {
        this.process = process;
        this.base = base;
        this.adminSecret = adminSecret;
    }

    /** Starts Keycard with metrics on, a fresh store under {@code dir}, and waits until it issues tokens. */
    static KeycardProcess start(Path dir) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run ./test, which packages keycard-server first");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String secret = "kcs_" + Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.SecureRandom.getInstanceStrong().generateSeed(32));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx256m", "-jar", JAR.toString(), "serve",
                "--set", "http.host=127.0.0.1", "--set", "http.port=" + port, "--set", "data.dir=" + dir.resolve("data"),
                "--set", "metrics.enabled=true", "--set", "admin.client-id=" + ADMIN_ID));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("keycard.log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("KEYCARD_"));
        builder.environment().put("KEYCARD_ADMIN_CLIENT_SECRET", secret);
        KeycardProcess keycard = new KeycardProcess(builder.start(), URI.create("http://127.0.0.1:" + port), secret);
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // a hang guard, not a timing assertion
        while (System.nanoTime() < giveUp) {
            if (!keycard.process.isAlive()) {
                throw new IllegalStateException("Keycard exited: " + Files.readString(dir.resolve("keycard.log")));
            }
            try {
                keycard.adminToken();
                return keycard;
            } catch (IOException | IllegalStateException notYet) {
                Thread.sleep(50);
            }
        }
        keycard.close();
        throw new IllegalStateException("Keycard did not answer within 60 s: " + Files.readString(dir.resolve("keycard.log")));
    }

    String issuer() {
        return base.toString();
    }

    /** A JSON call to the admin API; fails unless it answers 2xx. */
    JsonNode admin(String method, String path, String json) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + adminToken());
        if (json == null) {
            r.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            r.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        HttpResponse<String> answer = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + ": " + answer.statusCode() + " " + answer.body());
        }
        return answer.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(answer.body());
    }

    /** Creates a client with one grant and returns its secret. */
    String createClient(String id, String api, String... scopes) throws Exception {
        String grant = "{\"api\":\"" + api + "\",\"scopes\":" + JSON.writeValueAsString(List.of(scopes)) + "}";
        return admin("POST", "/admin/v1/clients", "{\"client_id\":\"" + id + "\",\"name\":\"" + id + "\",\"grants\":["
                + grant + "]}").get("client_secret").asString();
    }

    /** Sets the JOSE typ of an API's tokens: {@code at+jwt} or {@code JWT}. */
    void tokenType(String api, String type) throws Exception {
        admin("PATCH", "/admin/v1/apis/" + java.net.URLEncoder.encode(api, StandardCharsets.UTF_8),
                "{\"token_type\":\"" + type + "\"}");
    }

    /** How many tokens Keycard has issued for {@code api}, from its {@code /metrics}. */
    double tokensIssued(String api) throws Exception {
        String text = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith("keycard_tokens_issued_total{") && l.contains("api=\"" + api + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private String adminToken() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (ADMIN_ID + ":" + adminSecret).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("admin token: " + r.statusCode());
        }
        return JSON.readTree(r.body()).get("access_token").asString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static Map<String, Object> props(Object... pairs) {
        java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
