package dev.keycard.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Expect: 100-continue} (RFC 9110 §10.1.1): a client that asks before sending its body
 * gets {@code 100 Continue} when the declared length is acceptable, and the final 413 at once when
 * it is not; it never waits for the request timeout.
 */
class ExpectContinueTest {

    private static final String FORM = "grant_type=client_credentials";

    @TempDir
    Path dir;

    @Test
    void tokenRequestWhenTheClientAsksFirstThen100ContinueThenTheToken() throws Exception {
        try (TestServer server = TestServer.start(dir); Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.baseUri().getPort()), 5_000);
            socket.setSoTimeout(5_000); // the request timeout is 10 s: an answer after it would be a 408
            OutputStream out = socket.getOutputStream();
            out.write(("POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nAuthorization: "
                    + Http.basic(TestServer.ADMIN_ID, TestServer.ADMIN_SECRET)
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + FORM.length()
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", readUntil(in, "\r\n\r\n"));

            out.write(FORM.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readUntil(in, "}");
            assertTrue(answer.startsWith("HTTP/1.1 200 OK"), answer);
            assertTrue(answer.contains("\"access_token\":\""), answer);
        }
    }

    @Test
    void tokenRequestWhenTheJdkClientExpectsContinueThenItGetsItsToken() throws Exception {
        try (TestServer server = TestServer.start(dir);
             HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.baseUri() + "/oauth2/token"))
                    .expectContinue(true).timeout(Duration.ofSeconds(5))
                    .header("Authorization", Http.basic(TestServer.ADMIN_ID, TestServer.ADMIN_SECRET))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(FORM)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
        }
    }

    private static String readUntil(InputStream in, String marker) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (!got.toString(StandardCharsets.UTF_8).contains(marker)) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            got.write(b);
        }
        return got.toString(StandardCharsets.UTF_8);
    }
}
