package dev.keycard.server.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.Postgres;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a restart must keep: APIs, clients, grants, secrets and signing keys, on both stores. */
class RestartTest {

    @TempDir
    Path dir;

    @Test
    void restartWhenSqliteThenRegistryAndKeysSurviveAndOldTokensVerify() throws Exception {
        restartKeepsEverything(Map.of());
    }

    @Test
    void restartWhenPostgresThenRegistryAndKeysSurviveAndOldTokensVerify() throws Exception {
        try (Postgres pg = Postgres.schema()) {
            restartKeepsEverything(Map.of("store.url", pg.url()));
        }
    }

    private void restartKeepsEverything(Map<String, String> settings) throws Exception {
        String rsToken;
        String esToken;
        String secret;
        try (TestServer first = TestServer.start(dir, settings)) {
            Http http = new Http(first.baseUri());
            http.createApi("https://jobs.internal", "RS256", "jobs:read");
            http.createApi("https://fast.internal", "ES256", "fast:read");
            secret = http.createClient("worker", "https://jobs.internal", "jobs:read").getString("client_secret");
            http.admin("PUT", "/admin/v1/clients/worker/grants/" + Http.enc("https://fast.internal"),
                    new JsonObject().put("scopes", List.of("fast:read")));
            rsToken = http.accessToken("worker", secret, "grant_type", "client_credentials", "resource", "https://jobs.internal");
            esToken = http.accessToken("worker", secret, "grant_type", "client_credentials", "resource", "https://fast.internal");
        }
        try (TestServer second = TestServer.start(dir, settings)) {
            Http http = new Http(second.baseUri());
            JsonObject worker = new JsonObject(http.admin("GET", "/admin/v1/clients/worker", null).body());
            assertEquals(2, worker.getJsonArray("grants").size());
            assertEquals(2, new JsonObject(http.admin("GET", "/admin/v1/apis", null).body()).getJsonArray("items").size() - 1);

            JWKSet jwks = JWKSet.parse(http.get("/oauth2/jwks").body());
            SignedJWT rs = SignedJWT.parse(rsToken);
            SignedJWT es = SignedJWT.parse(esToken);
            assertEquals(true, rs.verify(new RSASSAVerifier(jwks.getKeyByKeyId(rs.getHeader().getKeyID()).toRSAKey())));
            assertEquals(true, es.verify(new ECDSAVerifier(jwks.getKeyByKeyId(es.getHeader().getKeyID()).toECKey())));

            String again = http.accessToken("worker", secret, "grant_type", "client_credentials", "resource", "https://jobs.internal");
            assertEquals(rs.getHeader().getKeyID(), SignedJWT.parse(again).getHeader().getKeyID(), "same key after restart");
        }
    }
}
