package dev.keycard.server.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jwt.SignedJWT;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An API's {@code token_type}: {@code at+jwt} by default (RFC 9068), {@code JWT} for resource servers that accept nothing else. */
class AccessTokenTypeTest {

    @TempDir
    static Path dir;
    static TestServer server;
    static Http http;
    static String introspector;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
        http = new Http(server.baseUri());
        introspector = http.createClient("jobs-api", "urn:keycard:admin", "keycard:introspect").getString("client_secret");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String typ(String token) throws Exception {
        return SignedJWT.parse(token).getHeader().getType().getType();
    }

    static boolean active(String token) {
        HttpResponse<String> r = http.send(http.request("/oauth2/introspect")
                .header("Authorization", Http.basic("jobs-api", introspector))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(Http.form("token", token))));
        return new JsonObject(r.body()).getBoolean("active");
    }

    @Test
    void tokenTypeWhenNotSetThenAtJwtAndWhenJwtThenJwtAndStillIntrospectable() throws Exception {
        JsonObject plain = http.createApi("https://plain.internal", "ES256", "x:read");
        assertEquals("at+jwt", plain.getString("token_type"));
        String secret = http.createClient("w1", "https://plain.internal", "x:read").getString("client_secret");
        String atJwt = http.accessToken("w1", secret, "grant_type", "client_credentials");
        assertEquals("at+jwt", typ(atJwt));

        HttpResponse<String> r = http.admin("PATCH", "/admin/v1/apis/https%3A%2F%2Fplain.internal",
                new JsonObject().put("token_type", "JWT"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("JWT", new JsonObject(r.body()).getString("token_type"));
        String jwt = http.accessToken("w1", secret, "grant_type", "client_credentials");
        assertEquals("JWT", typ(jwt));
        assertEquals(true, active(jwt), "Keycard knows its own JWT-typed tokens");
        assertEquals(true, active(atJwt));

        http.admin("PATCH", "/admin/v1/apis/https%3A%2F%2Fplain.internal", new JsonObject().put("token_type", "at+jwt"));
        assertEquals(false, active(jwt), "typ JWT is honoured only while its API issues JWT");
    }

    @Test
    void tokenTypeWhenInvalidOrOnTheBuiltInAdminApiThenRefused() {
        HttpResponse<String> bad = http.admin("POST", "/admin/v1/apis", new JsonObject().put("identifier",
                "https://bad.internal").put("name", "b").put("token_type", "jwt"));
        assertEquals(400, bad.statusCode());
        assertEquals("token_type", new JsonObject(bad.body()).getJsonArray("errors").getJsonObject(0).getString("field"));
        assertEquals(409, http.admin("PATCH", "/admin/v1/apis/urn%3Akeycard%3Aadmin",
                new JsonObject().put("token_type", "JWT")).statusCode());
    }
}
