package dev.keycard.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.resource.AccessTokenVerifier;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keycard against a client that shares no code with it: Node.js openid-client 6 (on oauth4webapi)
 * with its {@code PrivateKeyJwt} authentication discovers Keycard through RFC 8414 metadata and
 * gets a client credentials token; with its DPoP support it gets a DPoP-bound token (answering
 * Keycard's nonce challenge itself) and calls jobs-api with it. Runs where {@code node} and {@code npm} are on the PATH and the
 * npm registry answers (src/test/node's package-lock.json pins the versions); says why it skipped
 * elsewhere.
 */
class NodeInteropTest {

    private static final String JOBS = "https://jobs.internal";
    private static final Path SOURCES = Path.of("src/test/node");
    private static final Path WORK = Path.of("target/node-interop");

    @TempDir
    Path dir;

    @Test
    void tokenWhenOpenidClientAuthenticatesWithPrivateKeyJwtThenKeycardIssues() throws Exception {
        requireNode();
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("node-key").generate();
        Path jwkFile = dir.resolve("node-client.jwk.json");
        Files.writeString(jwkFile, key.toJSONString());
        try (TestServer server = TestServer.start(dir.resolve("data"), Map.of())) {
            Http http = new Http(server.baseUri());
            http.createApi(JOBS, "ES256", "jobs:read");
            HttpResponse<String> created = http.admin("POST", "/admin/v1/clients", new JsonObject()
                    .put("client_id", "node-worker").put("name", "Node worker")
                    .put("jwks", new JsonObject(new JWKSet(key).toPublicJWKSet().toString()))
                    .put("grants", new JsonArray().add(new JsonObject().put("api", JOBS)
                            .put("scopes", List.of("jobs:read")))));
            assertEquals(201, created.statusCode(), created.body());

            Result node = run(WORK, 60, "node", "private-key-jwt.mjs", server.issuer(), "node-worker",
                    jwkFile.toAbsolutePath().toString(), JOBS);
            assertEquals(0, node.exit(), "openid-client failed: " + node.output());
            String token = new JsonObject(node.output()).getString("access_token");
            assertEquals("node-worker", SignedJWT.parse(token).getJWTClaimsSet().getSubject());
            assertEquals(List.of(JOBS), SignedJWT.parse(token).getJWTClaimsSet().getAudience());
        }
    }

    @Test
    void tokenWhenOpenidClientUsesDPoPThenKeycardBindsItAndTheApiAcceptsItWithItsProof() throws Exception {
        requireNode();
        try (TestServer server = TestServer.start(dir.resolve("data"), Map.of("dpop.nonce-required", "true"))) {
            Http http = new Http(server.baseUri());
            http.createApi(JobsApi.IDENTIFIER, "ES256", "jobs:read");
            String secret = http.createClient("node-dpop", JobsApi.IDENTIFIER, "jobs:read").getString("client_secret");
            try (AccessTokenVerifier verifier = AccessTokenVerifier.builder().issuer(server.issuer())
                    .audiences(JobsApi.IDENTIFIER).build(); JobsApi api = new JobsApi(verifier)) {
                Result node = run(WORK, 60, "node", "dpop.mjs", server.issuer(), "node-dpop", secret, JobsApi.IDENTIFIER,
                        api.baseUri().resolve("/jobs").toString());
                assertEquals(0, node.exit(), "openid-client failed: " + node.output());
                JsonObject out = new JsonObject(node.output());
                assertEquals("dpop", out.getString("token_type").toLowerCase(java.util.Locale.ROOT)); // openid-client lowercases it
                String jkt = com.nimbusds.jose.jwk.JWK.parse(out.getJsonObject("jwk").encode()).computeThumbprint().toString();
                assertEquals(Map.of("jkt", jkt), SignedJWT.parse(out.getString("access_token")).getJWTClaimsSet()
                        .getJSONObjectClaim("cnf"));
                assertEquals(200, out.getInteger("api_status"), "jobs-api accepted openid-client's proof");
            }
        }
    }

    private record Result(int exit, String output) {
    }

    /** Node and npm on the PATH, and openid-client installed from the lock file; else the test is skipped. */
    private static void requireNode() throws Exception {
        for (String tool : List.of("node", "npm")) {
            try {
                if (run(Path.of("."), 30, tool, "--version").exit() != 0) {
                    Assumptions.abort(tool + " does not run: skipping the openid-client interop test");
                }
            } catch (IOException e) {
                Assumptions.abort(tool + " is not on the PATH: skipping the openid-client interop test (install "
                        + "Node.js 20 or later to run it)");
            }
        }
        Files.createDirectories(WORK);
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path f : files.toList()) {
                Files.copy(f, WORK.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!Files.isDirectory(WORK.resolve("node_modules/openid-client"))) {
            Result install = run(WORK, 180, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            if (install.exit() != 0) {
                Assumptions.abort("npm ci could not install openid-client (is the npm registry reachable?): "
                        + install.output().strip().lines().reduce((a, b) -> b).orElse(""));
            }
        }
    }

    private static Result run(Path dir, int seconds, String... command) throws Exception {
        Path output = Files.createTempFile("keycard-node", ".out");
        Path errors = Files.createTempFile("keycard-node", ".err");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
                    .redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + seconds + " s");
            }
            String out = Files.readString(output, StandardCharsets.UTF_8);
            return new Result(p.exitValue(), p.exitValue() == 0 ? out
                    : out + Files.readString(errors, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
            Files.deleteIfExists(errors);
        }
    }
}
