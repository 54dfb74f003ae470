package dev.keycard.server.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWK;
import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import java.nio.file.Path;
import java.security.Provider;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the store holds: no private key material and no client secret in the clear. */
class AtRestTest {

    @TempDir
    Path dir;

    @Test
    void storeWhenReadDirectlyThenPrivateKeysEncryptedAndSecretsOnlyDigested() throws Exception {
        String secret;
        try (TestServer server = TestServer.start(dir)) {
            Http http = new Http(server.baseUri());
            http.createApi("https://jobs.internal", "ES256", "jobs:read");
            secret = http.createClient("worker", "https://jobs.internal", "jobs:read").getString("client_secret");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("keycard.db"));
             Statement s = c.createStatement()) {
            int keys = 0;
            try (ResultSet rs = s.executeQuery("SELECT public_jwk, private_jwk_encrypted FROM signing_keys")) {
                while (rs.next()) {
                    keys++;
                    assertFalse(JWK.parse(rs.getString(1)).isPrivate(), "public column holds the public part only");
                    String encrypted = rs.getString(2);
                    assertFalse(encrypted.contains("\"d\"") || encrypted.contains("kty"), "private JWK is encrypted");
                }
            }
            assertEquals(2, keys, "RS256 for the admin API and ES256 for jobs");
            try (ResultSet rs = s.executeQuery("SELECT digest, hint FROM client_secrets")) {
                while (rs.next()) {
                    assertFalse(rs.getString(1).contains(secret) || secret.contains(rs.getString(1)));
                    assertTrue(rs.getString(2).length() < 16, "only a short hint is kept");
                }
            }
        }
    }

    @Test
    void providersWhenNativeAllowedThenAwsLcFirstElseJdk() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64"), "the provider ships for x86-64 Linux here");
        Optional<Provider> accp = CryptoProviders.install(true);
        assertTrue(accp.isPresent(), "x86-64 Linux loads the AWS-LC provider");
        assertEquals(accp.get().getName(), java.security.Security.getProviders()[0].getName(), "registered first");
        assertTrue(CryptoProviders.install(false).isEmpty());
    }
}
