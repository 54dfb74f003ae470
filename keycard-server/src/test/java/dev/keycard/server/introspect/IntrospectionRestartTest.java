package dev.keycard.server.introspect;

import static dev.keycard.server.introspect.IntrospectionHttpTest.JOBS;
import static dev.keycard.server.introspect.IntrospectionHttpTest.assertInactive;
import static dev.keycard.server.introspect.IntrospectionHttpTest.introspectOn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.store.Database;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Introspection across a restart: a store from before introspection, and an issuer renamed. */
class IntrospectionRestartTest {

    @TempDir
    Path dir;

    @Test
    void introspectWhenTokenIssuedUnderAnotherIssuerThenInactive() throws Exception {
        String token;
        try (TestServer before = TestServer.start(dir, Map.of("issuer", "https://old.example"))) {
            Http h = new Http(before.baseUri());
            h.createApi(JOBS, "RS256", "jobs:read");
            String secret = h.createClient("worker", JOBS, "jobs:read").getString("client_secret");
            token = h.accessToken("worker", secret, "grant_type", "client_credentials");
            assertEquals(true, new JsonObject(introspectOn(h, "worker", secret, "token", token).body()).getBoolean("active"));
        }
        try (TestServer after = TestServer.start(dir, Map.of("issuer", "https://new.example"))) {
            Http h = new Http(after.baseUri());
            String kid = SignedJWT.parse(token).getHeader().getKeyID();
            assertNotNull(JWKSet.parse(h.get("/oauth2/jwks").body()).getKeyByKeyId(kid), "same key, still published");
            String secret = h.createClient("checker", "urn:keycard:admin", "keycard:introspect").getString("client_secret");

            assertInactive(introspectOn(h, "checker", secret, "token", token));
        }
    }

    @Test
    void startWhenStoreFromBeforeIntrospectionThenAdminApiGainsIntrospectScope() {
        TestServer.start(dir).close();
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("keycard.db"), "", "", 1)) {
            db.transaction(c -> {
                try (var ps = c.prepareStatement("DELETE FROM api_scopes WHERE scope = 'keycard:introspect'")) {
                    return ps.executeUpdate();
                }
            });
        }
        try (TestServer restarted = TestServer.start(dir)) {
            Http h = new Http(restarted.baseUri());
            JsonObject admin = new JsonObject(h.admin("GET", "/admin/v1/apis/" + Http.enc("urn:keycard:admin"), null).body());

            assertEquals(List.of("keycard:admin", "keycard:introspect"), admin.getJsonArray("scopes").getList());
            assertEquals(201, h.admin("POST", "/admin/v1/clients", new JsonObject().put("client_id", "checker")
                    .put("name", "Checker").put("grants", List.of(new JsonObject().put("api", "urn:keycard:admin")
                            .put("scopes", List.of("keycard:introspect"))))).statusCode());
        }
    }
}
