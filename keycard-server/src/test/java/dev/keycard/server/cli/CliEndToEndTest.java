package dev.keycard.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code keycard} command line against a real Keycard on loopback: every command goes through
 * {@link KeycardCommand#run}, and no output of any of them may hold the admin secret.
 */
final class CliEndToEndTest {

    private static final String JOBS = "https://jobs.internal";

    @TempDir
    static Path dataDir;

    private static @Nullable TestServer server;

    @BeforeAll
    static void startServerAndCreateJobsApi() {
        // As behind a proxy that forwards client certificates: a tls_client_auth client may be registered.
        Path authority = dev.keycard.server.testing.TestCertificates.selfSigned("client-ca", dataDir).certFile();
        server = TestServer.start(dataDir, java.util.Map.of("tls.trusted-proxies", "127.0.0.1/32",
                "tls.client-ca-file", authority.toString()));
        Result created = admin("api", "create", "--identifier", JOBS, "--name", "Jobs API",
                "--scope", "jobs:read", "--scope", "jobs:write", "--output", "json");
        assertEquals(ExitCodes.OK, created.exitCode(), created.err());
        JsonObject api = created.json();
        assertEquals(JOBS, api.getString("identifier"));
        assertEquals(new JsonArray(List.of("jobs:read", "jobs:write")), api.getJsonArray("scopes"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void apiShowWhenApiExistsThenJsonHasIdentifierAndScopes() {
        Result shown = admin("api", "show", JOBS, "--output", "json");

        assertEquals(ExitCodes.OK, shown.exitCode(), shown.err());
        assertEquals(JOBS, shown.json().getString("identifier"));
        assertEquals(new JsonArray(List.of("jobs:read", "jobs:write")), shown.json().getJsonArray("scopes"));
    }

    @Test
    void apiListWhenTableOutputThenShowsHeaderAndIdentifier() {
        Result listed = admin("api", "list");

        assertEquals(ExitCodes.OK, listed.exitCode(), listed.err());
        assertTrue(listed.out().lines().findFirst().orElse("").startsWith("IDENTIFIER"), listed.out());
        assertTrue(listed.out().contains(JOBS), listed.out());
    }

    @Test
    void clientListWhenMoreThanAPageThenFirst100AndAHintAndLimitAllAndFiltersFollowThePages() {
        Http http = new Http(server().baseUri());
        for (int i = 0; i < 102; i++) {
            http.createClient(String.format("many-%03d", i), null);
        }
        Result first = admin("client", "list", "--name-prefix", "Client many-");
        assertEquals(ExitCodes.OK, first.exitCode(), first.err());
        assertEquals(101, first.out().lines().count(), "a header and the first 100");
        assertTrue(first.err().contains("--all"), "stderr says how to see the rest: " + first.err());

        Result all = admin("client", "list", "--name-prefix", "Client many-", "--all", "--output", "json");
        assertEquals(ExitCodes.OK, all.exitCode(), all.err());
        assertEquals(102, all.json().getJsonArray("items").size());
        assertNull(all.json().getValue("next"));
        assertEquals("", all.err());

        Result some = admin("client", "list", "--name-prefix", "Client many-", "--limit", "3", "--output", "json");
        assertEquals(List.of("many-000", "many-001", "many-002"), some.json().getJsonArray("items").stream()
                .map(c -> ((JsonObject) c).getString("client_id")).toList());
        assertTrue(some.json().getString("next").contains("cursor="), some.out());

        Result both = admin("client", "list", "--limit", "3", "--all");
        assertEquals(ExitCodes.USAGE, both.exitCode(), "--limit and --all exclude each other");
        Result zero = admin("client", "list", "--limit", "0");
        assertEquals(ExitCodes.USAGE, zero.exitCode());
        Result disabled = admin("client", "list", "--enabled", "false", "--name-prefix", "Client many-");
        assertEquals(1, disabled.out().lines().count(), "only the header: " + disabled.out());
    }

    @Test
    void clientDPoPBoundWhenSetAndClearedThenShownAndStored() {
        Result created = admin("client", "create", "--name", "Bound", "--id", "bound-worker", "--grant", JOBS + "=jobs:read",
                "--dpop-bound");
        assertEquals(ExitCodes.OK, created.exitCode(), created.err());
        assertTrue(admin("client", "show", "bound-worker").out().contains("dpop_bound:"));
        assertEquals(true, admin("client", "show", "bound-worker", "--output", "json").json()
                .getBoolean("dpop_bound_access_tokens"));
        Result cleared = admin("client", "update", "bound-worker", "--dpop-bound", "false");
        assertEquals(ExitCodes.OK, cleared.exitCode(), cleared.err());
        assertFalse(cleared.out().contains("dpop_bound:"), cleared.out());
        assertEquals(ExitCodes.USAGE, admin("client", "update", "bound-worker", "--dpop-bound", "maybe").exitCode());

        Result mtls = admin("client", "create", "--name", "Mtls", "--id", "mtls-worker", "--grant", JOBS + "=jobs:read",
                "--tls-san-uri", "spiffe://prod.acme/ns/jobs/sa/worker", "--certificate-bound");
        assertEquals(ExitCodes.OK, mtls.exitCode(), mtls.err());
        assertFalse(mtls.out().contains("client_secret"), "no secret for a tls_client_auth client: " + mtls.out());
        Result shown = admin("client", "show", "mtls-worker");
        assertTrue(shown.out().contains("san_uri spiffe://prod.acme/ns/jobs/sa/worker"), shown.out());
        assertTrue(shown.out().contains("certificate_bound:"), shown.out());
        Result two = admin("client", "update", "mtls-worker", "--tls-san-dns", "a.example", "--tls-san-ip", "10.0.0.1");
        assertEquals(ExitCodes.USAGE, two.exitCode(), two.out());
        Result badIp = admin("client", "update", "mtls-worker", "--tls-san-ip", "ten.0.0.1");
        assertEquals(ExitCodes.REJECTED, badIp.exitCode(), badIp.out());
        assertTrue(badIp.err().contains("tls_client_auth_san_ip"), badIp.err());
    }

    @Test
    void clientCreateWhenTableOutputThenShowsSecretOnceLabelled() {
        Result created = admin("client", "create", "--name", "Table client", "--grant", JOBS + "=jobs:read");

        assertEquals(ExitCodes.OK, created.exitCode(), created.err());
        assertTrue(created.out().lines().anyMatch(line -> line.startsWith("client_secret: kcs_")), created.out());
        assertTrue(created.out().contains("shown only once"), created.out());
    }

    @Test
    void clientCreateWhenGivenAJwksFileThenNoSecretAndShowListsTheKeys(@TempDir Path dir) throws Exception {
        Path jwks = dir.resolve("batch.jwks.json");
        Files.writeString(jwks, new com.nimbusds.jose.jwk.JWKSet(new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                com.nimbusds.jose.jwk.Curve.P_256).keyID("batch-2026").generate()).toPublicJWKSet().toString());
        Result created = admin("client", "create", "--name", "Keyed client", "--id", "keyed-client",
                "--grant", JOBS + "=jobs:read", "--jwks-file", jwks.toString(), "--signing-alg", "ES256");
        assertEquals(ExitCodes.OK, created.exitCode(), created.err());
        assertFalse(created.out().contains("client_secret"), created.out());
        Result shown = admin("client", "show", "keyed-client");
        assertTrue(shown.out().contains("batch-2026 EC P-256"), shown.out());
        assertTrue(shown.out().contains("private_key_jwt"), shown.out());
        Result both = admin("client", "create", "--name", "Both", "--jwks-file", jwks.toString(),
                "--jwks-uri", "https://keys.example/jwks");
        assertEquals(ExitCodes.USAGE, both.exitCode(), both.out());
        assertTrue(both.err().contains("alternatives"), both.err());
    }

    @Test
    void clientCreateWhenGivenAPemPublicKeyThenTheClientGetsTokensWithTheMatchingPrivateKey(@TempDir Path dir)
            throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair pair = generator.generateKeyPair();
        Path pem = dir.resolve("worker.pub.pem"); // as openssl pkey -pubout writes it
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        Result created = admin("client", "create", "--name", "PEM client", "--id", "pem-client",
                "--grant", JOBS + "=jobs:read", "--jwks-file", pem.toString());
        assertEquals(ExitCodes.OK, created.exitCode(), created.err());
        assertTrue(created.out().contains(" EC P-256"), created.out());

        com.nimbusds.jwt.SignedJWT assertion = new com.nimbusds.jwt.SignedJWT(
                new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.ES256),
                new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer("pem-client").subject("pem-client")
                        .audience(server().issuer()).jwtID(java.util.UUID.randomUUID().toString())
                        .expirationTime(new java.util.Date(System.currentTimeMillis() + 60_000)).build());
        assertion.sign(new com.nimbusds.jose.crypto.ECDSASigner((java.security.interfaces.ECPrivateKey) pair.getPrivate()));
        Http http = new Http(server().baseUri());
        java.net.http.HttpResponse<String> token = http.send(http.request("/oauth2/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Http.form("grant_type", "client_credentials",
                        "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                        "client_assertion", assertion.serialize()))));
        assertEquals(200, token.statusCode(), token.body());
    }

    @Test
    void trustAddKubernetesWhenGivenTheClustersJwksFileThenAServiceAccountTokenGetsItsClientATokenWithoutASecret(
            @TempDir Path dir) throws Exception {
        try (dev.keycard.server.testing.TestIssuer cluster = new dev.keycard.server.testing.TestIssuer()) {
            Path jwks = dir.resolve("cluster.jwks.json"); // as kubectl get --raw /openid/v1/jwks writes it
            Files.writeString(jwks, cluster.jwks());
            Result added = admin("trust", "add", "kubernetes", "--name", "prod-cluster", "--issuer", cluster.url(),
                    "--jwks-file", jwks.toString(), "--audience", "keycard");
            assertEquals(ExitCodes.OK, added.exitCode(), added.err());
            assertTrue(added.out().matches("(?s).*max_token_lifetime: +3600s.*"), added.out());
            Result listed = admin("trust", "list");
            assertTrue(listed.out().contains("prod-cluster") && listed.out().contains("kubernetes"), listed.out());
            Result wrongKind = admin("trust", "add", "kubernetes", "--trust-domain", "prod.acme");
            assertEquals(ExitCodes.USAGE, wrongKind.exitCode(), wrongKind.out());
            Result noBundle = admin("trust", "add", "spiffe", "--trust-domain", "prod.acme");
            assertEquals(ExitCodes.USAGE, noBundle.exitCode(), noBundle.out());
            assertTrue(noBundle.err().contains("--bundle-endpoint"), noBundle.err());
            Result typo = admin("trust", "add", "kubernets", "--issuer", cluster.url());
            assertEquals(ExitCodes.REJECTED, typo.exitCode(), typo.out());
            assertTrue(typo.err().contains("kubernetes, github-actions, spiffe, oidc"), typo.err());

            Result created = admin("client", "create", "--name", "Payments batch", "--id", "payments-batch",
                    "--grant", JOBS + "=jobs:read", "--no-secret");
            assertEquals(ExitCodes.OK, created.exitCode(), created.err());
            assertFalse(created.out().contains("client_secret"), created.out());
            String subject = "system:serviceaccount:payments:batch-worker";
            Result federated = admin("client", "add-identity", "payments-batch", "--trust", "prod-cluster",
                    "--subject", subject);
            assertEquals(ExitCodes.OK, federated.exitCode(), federated.err());
            assertTrue(admin("client", "show", "payments-batch").out().contains("prod-cluster " + subject));
            Result defaultAccount = admin("client", "add-identity", "payments-batch", "--trust", "prod-cluster",
                    "--subject", "system:serviceaccount:payments:default");
            assertEquals(ExitCodes.REJECTED, defaultAccount.exitCode(), defaultAccount.out());
            assertTrue(defaultAccount.err().contains("default service account"), defaultAccount.err());

            Http http = new Http(server().baseUri());
            java.net.http.HttpResponse<String> token = http.send(http.request("/oauth2/token")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Http.form("grant_type", "client_credentials",
                            "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                            "client_assertion", cluster.token(subject, "keycard", b -> b)))));
            assertEquals(200, token.statusCode(), token.body());
            Result removed = admin("trust", "remove", "prod-cluster");
            assertEquals(ExitCodes.REJECTED, removed.exitCode(), removed.out());
            assertTrue(removed.err().contains("remove them from their clients first"), removed.err());
        }
    }

    @Test
    void tokenWhenClientHasGrantThenJwtHasAudienceAndScope() {
        Client client = createClient("Token client");

        Result token = token(client.id(), client.secret(), "--resource", JOBS, "--scope", "jobs:read jobs:write");

        assertEquals(ExitCodes.OK, token.exitCode(), token.err());
        String[] parts = token.out().strip().split("\\.", -1);
        assertEquals(3, parts.length, "a JWT has three parts");
        JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        Object aud = payload.getValue("aud");
        assertTrue(JOBS.equals(aud) || (aud instanceof JsonArray all && all.contains(JOBS)), "aud is " + aud);
        List<String> scopes = List.of(payload.getString("scope", "").split(" "));
        assertTrue(scopes.contains("jobs:read") && scopes.contains("jobs:write"), "scope is " + scopes);
    }

    @Test
    void tokenWhenJsonOutputThenPrintsWholeTokenResponse() {
        Client client = createClient("Json token client");

        Result token = token(client.id(), client.secret(), "--resource", JOBS, "--output", "json");

        assertEquals(ExitCodes.OK, token.exitCode(), token.err());
        assertEquals("Bearer", token.json().getString("token_type"));
        assertTrue(token.json().getString("access_token", "").split("\\.").length == 3, token.out());
    }

    @Test
    void rotateSecretWhenGracePeriodEndsThenOldSecretRefusedAndNewStillWorks() throws InterruptedException {
        Client client = createClient("Rotated client");

        Result rotated = admin("client", "rotate-secret", client.id(), "--grace", "2", "--output", "json");
        assertEquals(ExitCodes.OK, rotated.exitCode(), rotated.err());
        String newSecret = rotated.json().getString("client_secret");
        assertTrue(newSecret != null && newSecret.startsWith("kcs_"), "a new secret is returned once");
        assertEquals(ExitCodes.OK, token(client.id(), client.secret(), "--resource", JOBS).exitCode(),
                "the old secret works during the grace period");
        assertEquals(ExitCodes.OK, token(client.id(), newSecret, "--resource", JOBS).exitCode(),
                "the new secret works at once");

        long deadline = System.nanoTime() + 10_000_000_000L;
        Result old = token(client.id(), client.secret(), "--resource", JOBS);
        while (old.exitCode() == ExitCodes.OK && System.nanoTime() < deadline) {
            Thread.sleep(200);
            old = token(client.id(), client.secret(), "--resource", JOBS);
        }

        assertEquals(ExitCodes.DENIED, old.exitCode(), "the old secret is refused after the grace period: " + old.err());
        assertTrue(old.err().contains("invalid_client"), old.err());
        Result fresh = token(client.id(), newSecret, "--resource", JOBS);
        assertEquals(ExitCodes.OK, fresh.exitCode(), fresh.err());
    }

    @Test
    void clientSecretsWhenRotatedThenGraceColumnMarksTheReplacedSecret() {
        Client client = createClient("Grace column client");
        Result rotated = admin("client", "rotate-secret", client.id(), "--grace", "3600", "--output", "json");
        assertEquals(ExitCodes.OK, rotated.exitCode(), rotated.err());
        String freshId = rotated.json().getJsonObject("secret").getString("id");

        Result listed = admin("client", "secrets", client.id());

        assertEquals(ExitCodes.OK, listed.exitCode(), listed.err());
        List<String[]> rows = listed.out().lines().map(line -> line.trim().split("\\s+")).toList();
        assertEquals(List.of("ID", "HINT", "ACTIVE", "GRACE", "CREATED", "EXPIRES", "LAST_USED"),
                List.of(rows.get(0)), listed.out());
        assertEquals(3, rows.size(), listed.out());
        for (String[] row : rows.subList(1, 3)) {
            boolean fresh = row[0].equals(freshId);
            assertEquals("yes", row[2], "both secrets work: " + listed.out());
            assertEquals(fresh ? "no" : "yes", row[3], "only the replaced secret is in its grace period: " + listed.out());
        }
        Result json = admin("client", "secrets", client.id(), "--output", "json");
        assertEquals(1, json.json().getJsonArray("items").stream()
                .filter(s -> ((JsonObject) s).getBoolean("in_grace_period")).count(), json.out());
    }

    @Test
    void tokenWhenClientDisabledThenExitsDeniedWithInvalidClient() {
        Client client = createClient("Disabled client");
        Result disabled = admin("client", "disable", client.id());
        assertEquals(ExitCodes.OK, disabled.exitCode(), disabled.err());

        Result token = token(client.id(), client.secret(), "--resource", JOBS);

        assertEquals(ExitCodes.DENIED, token.exitCode(), token.err());
        assertTrue(token.err().startsWith("error: invalid_client"), token.err());
        assertEquals("", token.out());
    }

    @Test
    void apiShowWhenApiUnknownThenExitsNotFound() {
        Result shown = admin("api", "show", "https://unknown.internal");

        assertEquals(ExitCodes.NOT_FOUND, shown.exitCode(), shown.err());
        assertTrue(shown.err().startsWith("error: "), shown.err());
        assertEquals("", shown.out());
    }

    @Test
    void apiCreateWhenNameMissingThenExitsUsage() {
        Result created = admin("api", "create", "--identifier", "https://nameless.internal");

        assertEquals(ExitCodes.USAGE, created.exitCode());
        assertTrue(created.err().contains("--name"), created.err());
    }

    @Test
    void adminCommandWhenSecretWrongThenExitsDenied() {
        Result listed = keycard("api", "list", "--url", server().baseUri().toString(),
                "--client-id", server().adminClientId(), "--client-secret", "kcs_not-the-admin-secret");

        assertEquals(ExitCodes.DENIED, listed.exitCode(), listed.err());
        assertTrue(listed.err().contains("invalid_client"), listed.err());
    }

    @Test
    void outputWhenAnyCommandRunsThenNeverHoldsAdminSecret() {
        String url = server().baseUri().toString();
        String id = server().adminClientId();
        String secret = server().adminClientSecret();
        // The commands most likely to echo what they were given: listings, server errors, usage
        // errors with the secret on the command line, a mistyped option name right before it.
        List<Result> results = List.of(
                admin("api", "list", "--output", "json"),
                admin("client", "list"),
                admin("client", "list", "--output", "json"),
                admin("api", "create", "--identifier", "not a uri", "--name", "Bad"),
                admin("api", "list", "--no-such-option"),
                admin("client", "show", "no-such-client"),
                keycard("api", "list", "--url", url, "--client-id", id, "--client-secrt", secret),
                keycard("api", "list", "--url", url, "--client-id", id, "--client-secret=" + secret, "extra"),
                keycard("token", "--url", url, "--client-id", id, "--client-secret", secret,
                        "--resource", "urn:keycard:admin", "--output", "json"),
                keycard("api", "list", "--url", "http://127.0.0.1:1", "--client-id", id, "--client-secret", secret));

        for (Result result : results) {
            assertFalse(result.out().contains(secret) || result.err().contains(secret), "an output holds the admin secret");
        }
        assertEquals(ExitCodes.USAGE, results.get(6).exitCode());
        assertEquals(ExitCodes.UNAVAILABLE, results.get(9).exitCode());
        assertTrue(results.get(9).err().contains("http://127.0.0.1:1"), results.get(9).err());
    }

    /** Creates a client with a grant of both jobs scopes and returns its id and one-time secret. */
    private static Client createClient(String name) {
        Result created = admin("client", "create", "--name", name,
                "--grant", JOBS + "=jobs:read,jobs:write", "--default-api", JOBS, "--output", "json");
        assertEquals(ExitCodes.OK, created.exitCode(), created.err());
        JsonObject client = created.json();
        String secret = client.getString("client_secret");
        assertTrue(secret != null && !secret.isEmpty(), "the secret is shown on creation");
        return new Client(client.getString("client_id"), secret);
    }

    private static Result admin(String... args) {
        return keycard(Stream.concat(Stream.of(args), Stream.of("--url", server().baseUri().toString(),
                "--client-id", server().adminClientId(), "--client-secret", server().adminClientSecret()))
                .toArray(String[]::new));
    }

    private static Result token(String clientId, String clientSecret, String... more) {
        List<String> args = new ArrayList<>(List.of("token", "--url", server().baseUri().toString(),
                "--client-id", clientId, "--client-secret", clientSecret));
        args.addAll(List.of(more));
        return keycard(args.toArray(String[]::new));
    }

    /** Runs the command line and checks that nothing it printed holds the admin secret. */
    private static Result keycard(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exitCode = KeycardCommand.run(outStream, errStream, args);
        }
        Result result = new Result(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        // The message names the command only: the arguments hold the secret.
        assertFalse(result.out().contains(server().adminClientSecret()), "stdout of '" + args[0] + "' holds the admin secret");
        assertFalse(result.err().contains(server().adminClientSecret()), "stderr of '" + args[0] + "' holds the admin secret");
        return result;
    }

    private static TestServer server() {
        return Objects.requireNonNull(server, "the server did not start");
    }

    private record Client(String id, String secret) {
    }

    private record Result(int exitCode, String out, String err) {

        JsonObject json() {
            return new JsonObject(out);
        }
    }
}
