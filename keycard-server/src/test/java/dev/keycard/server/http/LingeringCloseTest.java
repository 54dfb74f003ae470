package dev.keycard.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that sends a body too large the way clients do, all of it before it reads the answer,
 * gets to finish sending and reads the 413. A server that answers and closes as soon as it sees
 * the length has the kernel answer the rest of the body with a reset: the client's next write
 * fails, and the JDK's HttpClient, for one, then reports no response at all (RFC 9112 §9.6).
 * Within {@link BodyReader#DRAIN_LIMIT} the body is read before the answer; above it the answer
 * comes first and the rest is read and dropped before the close.
 */
class LingeringCloseTest {

    @TempDir
    Path dir;

    @Test
    void tokenRequestWhenTheBodyIsTooLargeThenTheClientSendsItAllAndReads413() throws Exception {
        try (TestServer server = TestServer.start(dir); Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.baseUri().getPort()), 5_000);
            int length = 900_000; // over the 64 KiB default, under the drain limit, more than socket buffers hold
            OutputStream out = socket.getOutputStream();
            out.write(("POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] body = ("grant_type=client_credentials&pad=" + "a".repeat(length - 34)).getBytes(StandardCharsets.US_ASCII);
            for (int off = 0; off < body.length; off += 8192) { // in pieces, as a client streams a body
                out.write(body, off, Math.min(8192, body.length - off));
                out.flush();
                Thread.sleep(1);
            }
            String answer = readAll(socket, in);
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.contains("\"error\":\"invalid_request\""), answer);
        }
    }

    @Test
    void tokenRequestWhenAChunkedBodyGrowsTooLargeThenTheClientSendsItAllAndReads413() throws Exception {
        try (TestServer server = TestServer.start(dir); Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.baseUri().getPort()), 5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String piece = "a".repeat(1024);
            for (int i = 0; i < 100; i++) { // 100 KiB in 1 KiB chunks
                out.write(("400\r\n" + piece + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(1);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAll(socket, socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        }
    }

    @Test
    void tokenRequestWhenA2MiBBodyIsSentWholeThenThe413ArrivesIn50RunsOf50() throws Exception {
        int length = 2 * 1024 * 1024;
        byte[] head = ("POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] body = ("grant_type=client_credentials&pad=" + "a".repeat(length - 34)).getBytes(StandardCharsets.US_ASCII);
        try (TestServer server = TestServer.start(dir)) {
            int answered = 0;
            StringBuilder failures = new StringBuilder();
            for (int run = 0; run < 50; run++) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", server.baseUri().getPort()), 5_000);
                    OutputStream out = socket.getOutputStream();
                    out.write(head);
                    for (int off = 0; off < body.length; off += 65_536) {
                        out.write(body, off, Math.min(65_536, body.length - off));
                    }
                    out.flush();
                    String answer = readAll(socket, socket.getInputStream());
                    if (answer.startsWith("HTTP/1.1 413 ")) {
                        answered++;
                    } else {
                        failures.append("run ").append(run).append(": ").append(answer).append('\n');
                    }
                } catch (IOException e) {
                    failures.append("run ").append(run).append(": ").append(e).append('\n');
                }
            }
            assertEquals(50, answered, failures.toString());
        }
    }

    @Test
    void jdkHttpClientWhenItPostsA2MiBBodyThenItReads413In50RunsOf50() throws Exception {
        byte[] body = ("grant_type=client_credentials&pad=" + "a".repeat(2 * 1024 * 1024 - 34))
                .getBytes(StandardCharsets.US_ASCII);
        try (TestServer server = TestServer.start(dir); HttpClient client = HttpClient.newHttpClient()) {
            int answered = 0;
            StringBuilder failures = new StringBuilder();
            for (int run = 0; run < 50; run++) {
                try {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/oauth2/token"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .timeout(Duration.ofSeconds(20))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 413) {
                        answered++;
                    } else {
                        failures.append("run ").append(run).append(": ").append(r.statusCode()).append('\n');
                    }
                } catch (IOException e) {
                    failures.append("run ").append(run).append(": ").append(e).append('\n');
                }
            }
            assertEquals(50, answered, failures.toString());
        }
    }

    @Test
    void tokenRequestWhenTheLimitIsAboveTheDrainLimitThenABodyWithinItIsRead() throws Exception {
        try (TestServer server = TestServer.start(dir, java.util.Map.of("http.max-body-bytes", "2097152"))) {
            byte[] body = ("grant_type=client_credentials&pad=" + "a".repeat(1_500_000)).getBytes(StandardCharsets.US_ASCII);
            try (HttpClient client = HttpClient.newHttpClient()) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/oauth2/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(401, r.statusCode(), "read and judged (no credentials), not refused as too large: " + r.body());
            }
        }
    }

    private static String readAll(Socket socket, InputStream in) throws IOException {
        socket.setSoTimeout(20_000);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            got.write(buffer, 0, n);
        }
        return got.toString(StandardCharsets.UTF_8);
    }
}
