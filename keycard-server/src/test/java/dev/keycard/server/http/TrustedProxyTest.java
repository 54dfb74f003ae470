package dev.keycard.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.MutableClock;
import dev.keycard.server.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behind a proxy listed in {@code http.trusted-proxies}, the back-off after failed logins is kept
 * per address the proxy names in X-Forwarded-For, so one failing caller does not block everyone
 * behind the proxy; from any other peer the header is ignored.
 */
class TrustedProxyTest {

    @TempDir
    Path dir;

    static HttpResponse<String> token(TestServer server, String from, String forwardedFor, String id, String secret) {
        try (HttpClient client = HttpClient.newBuilder().localAddress(InetAddress.getByName(from)).build()) {
            HttpRequest.Builder r = HttpRequest.newBuilder(server.baseUri().resolve("/oauth2/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", Http.basic(id, secret))
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"));
            if (forwardedFor != null) {
                r.header("X-Forwarded-For", forwardedFor);
            }
            return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void failedLoginsWhenForwardedByATrustedProxyThenTheNamedAddressBacksOffNotTheProxy() {
        try (TestServer server = TestServer.start(dir, Map.of("http.trusted-proxies", "127.0.0.5",
                "rate-limit.failed-auth", "2"), new MutableClock())) {
            Http http = new Http(server.baseUri());
            http.createApi("https://jobs.internal", "ES256", "jobs:read");
            String secret = http.createClient("worker", "https://jobs.internal", "jobs:read").getString("client_secret");
            for (int i = 0; i < 3; i++) {
                assertEquals(401, token(server, "127.0.0.5", "6.6.6.6, 203.0.113.5", "someone", "kcs_x").statusCode());
            }
            assertEquals(429, token(server, "127.0.0.5", "203.0.113.5", "worker", secret).statusCode(),
                    "the right-most untrusted address is the one that failed");
            assertEquals(200, token(server, "127.0.0.5", "203.0.113.6", "worker", secret).statusCode(),
                    "another caller behind the same proxy is not held back");

            for (int i = 0; i < 3; i++) {
                assertEquals(401, token(server, "127.0.0.6", "203.0.113.7", "nobody", "kcs_x").statusCode());
            }
            assertEquals(429, token(server, "127.0.0.6", "203.0.113.8", "worker", secret).statusCode(),
                    "from an untrusted peer the header names nothing: the peer itself backs off");
        }
    }
}
