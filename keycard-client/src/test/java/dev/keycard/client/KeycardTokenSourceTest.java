package dev.keycard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Tokens from a real Keycard on a loopback port, found through its metadata (RFC 8414). */
@Timeout(60)
class KeycardTokenSourceTest {

    static final String JOBS = "https://jobs.internal";

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static String workerSecret;
    static String postOnlySecret;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        http = new Http(server.baseUri());
        http.createApi(JOBS, "RS256", "jobs:read", "jobs:write", "jobs:admin");
        workerSecret = http.createClient("batch-worker", JOBS, "jobs:read", "jobs:write").getString("client_secret");
        postOnlySecret = http.createClient("post-only", JOBS, "jobs:read").getString("client_secret");
        http.admin("PATCH", "/admin/v1/clients/post-only",
                new io.vertx.core.json.JsonObject().put("auth_methods", List.of("client_secret_post")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static ClientCredentialsTokenSource.Builder keycard(String clientId) {
        return ClientCredentialsTokenSource.builder().issuer(URI.create(server.issuer())).clientId(clientId);
    }

    static JsonObject claims(AccessToken token) throws Exception {
        String payload = token.value().split("\\.")[1];
        return JsonParser.object().from(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    }

    @Test
    void tokenWhenIssuerAndBasicThenTokenFromDiscoveredEndpoint() throws Exception {
        Instant before = Instant.now();
        AccessToken token = keycard("batch-worker").clientSecret(workerSecret).build().token();

        JsonObject claims = claims(token);
        assertEquals(server.issuer(), claims.getString("iss"));
        assertEquals("batch-worker", claims.getString("sub"));
        assertEquals(JOBS, claims.getString("aud"));
        assertEquals("jobs:read jobs:write", claims.getString("scope"));
        assertEquals(Set.of("jobs:read", "jobs:write"), token.scopes());
        long lifetime = Duration.between(before, token.expiresAt()).toSeconds();
        assertTrue(lifetime > 890 && lifetime <= 900, "lifetime " + lifetime);
    }

    @Test
    void tokenWhenClientSecretPostThenAcceptedByPostOnlyClient() throws Exception {
        ClientCredentialsTokenSource.Builder b = keycard("post-only").clientSecret(postOnlySecret);

        AccessToken token = b.authMethod(ClientAuthMethod.CLIENT_SECRET_POST).build().token();

        assertEquals("post-only", claims(token).getString("client_id"));
        // The same client with Basic is refused, so the success above did use the body.
        TokenRequestException e = assertThrows(TokenRequestException.class,
                () -> keycard("post-only").clientSecret(postOnlySecret).build().token());
        assertEquals("invalid_client", e.error());
    }

    @Test
    void tokenWhenResourceAndScopesThenTokenForThatApiAndScope() throws Exception {
        ClientCredentialsTokenSource tokens = keycard("batch-worker").clientSecret(workerSecret)
                .resource(JOBS).scopes("jobs:read").build();

        AccessToken read = tokens.token();
        AccessToken write = tokens.token(List.of("jobs:write"), JOBS);

        assertEquals(JOBS, claims(read).getString("aud"));
        assertEquals("jobs:read", claims(read).getString("scope"));
        assertEquals(Set.of("jobs:read"), read.scopes());
        assertEquals("jobs:write", claims(write).getString("scope"));
    }

    @Test
    void tokenWhenAudienceThenTokenForThatApi() throws Exception {
        AccessToken token = keycard("batch-worker").clientSecret(workerSecret).audience(JOBS).build().token();

        assertEquals(JOBS, claims(token).getString("aud"));
    }

    @Test
    void tokenWhenWrongSecretThenInvalidClientWithDescription() {
        ClientCredentialsTokenSource tokens = keycard("batch-worker").clientSecret("kcs_wrong-secret").build();

        TokenRequestException e = assertThrows(TokenRequestException.class, tokens::token);

        assertEquals(401, e.statusCode());
        assertEquals("invalid_client", e.error());
        assertNotNull(e.errorDescription());
        assertFalse(e.getMessage().contains("kcs_wrong-secret"));
    }

    @Test
    void tokenWhenScopeNotGrantedThenInvalidScopeWithDescription() {
        ClientCredentialsTokenSource tokens = keycard("batch-worker").clientSecret(workerSecret).scopes("jobs:admin").build();

        TokenRequestException e = assertThrows(TokenRequestException.class, tokens::token);

        assertEquals(400, e.statusCode());
        assertEquals("invalid_scope", e.error());
        assertNotNull(e.errorDescription());
        assertTrue(e.getMessage().contains("invalid_scope (" + e.errorDescription() + ")"), e.getMessage());
    }

    @Test
    void tokenWhenSecretFileRotatedThenNextTokenUsesNewSecret() throws Exception {
        String first = http.createClient("rotating", JOBS, "jobs:read").getString("client_secret");
        Path file = dir.resolve("rotating.secret");
        Files.writeString(file, first + "\n");
        ClientCredentialsTokenSource tokens = keycard("rotating").clientSecretFile(file).build();
        AccessToken before = tokens.token();

        HttpResponse<String> rotated = http.admin("POST", "/admin/v1/clients/rotating/secrets/rotate",
                new io.vertx.core.json.JsonObject().put("grace_period", 0));
        assertEquals(201, rotated.statusCode(), rotated.body());
        tokens.invalidate();
        // The old secret ended with the rotation: the file still holds it, so this is refused.
        assertEquals("invalid_client", assertThrows(TokenRequestException.class, tokens::token).error());

        Files.writeString(file, new io.vertx.core.json.JsonObject(rotated.body()).getString("client_secret"));
        AccessToken after = tokens.token();

        assertNotEquals(before.value(), after.value());
        assertEquals("rotating", claims(after).getString("sub"));
    }

    @Test
    void tokenWhenSecretInEnvironmentVariableThenToken() throws Exception {
        AccessToken token = keycard("batch-worker").clientSecretFromEnv("JOBS_SECRET")
                .environment(Map.of("JOBS_SECRET", workerSecret)::get).build().token();

        assertEquals("batch-worker", claims(token).getString("sub"));
    }

    @Test
    void bearerHttpClientWhenCallingKeycardAdminThenAuthorized() throws Exception {
        ClientCredentialsTokenSource tokens = keycard(TestServer.ADMIN_ID).clientSecret(TestServer.ADMIN_SECRET)
                .resource("urn:keycard:admin").build();
        try (BearerHttpClient client = new BearerHttpClient(java.net.http.HttpClient.newHttpClient(), tokens)) {
            HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(server.baseUri().resolve("/admin/v1/apis")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains(JOBS), r.body());
        }
    }
}
