package dev.keycard.server.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Http;
import dev.keycard.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop while requests are in flight (a rolling deploy): the port refuses new connections at
 * once, a token request whose body is still arriving is answered in full, and a revocation-event
 * stream is ended cleanly (the last chunk sent) so its subscriber resumes elsewhere.
 */
class GracefulShutdownTest {

    private static final String FORM = "grant_type=client_credentials";
    /** The stop runs on a thread of its own: the common pool may have a single thread on a small machine. */
    private static final java.util.concurrent.Executor OWN_THREAD = r -> Thread.ofPlatform().daemon().start(r);

    @TempDir
    Path dir;

    @Test
    void closeWhenATokenRequestIsInFlightThenItIsAnsweredAndNewConnectionsAreRefused() throws Exception {
        TestServer server = TestServer.start(dir, Map.of("http.shutdown-grace", "30s"));
        int port = server.baseUri().getPort();
        CompletableFuture<Void> stopping;
        try (Socket inFlight = connect(port)) {
            OutputStream out = inFlight.getOutputStream();
            out.write(("POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + Http.basic(TestServer.ADMIN_ID, TestServer.ADMIN_SECRET)
                    + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + FORM.length()
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            readUntil(inFlight, null, 0); // nothing to read yet: the request waits for its body

            stopping = CompletableFuture.runAsync(server::close, OWN_THREAD);
            awaitRefused(port); // the stop has begun

            out.write(FORM.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readUntil(inFlight, "}", 20_000);
            assertTrue(answer.startsWith("HTTP/1.1 200 OK"), answer);
            assertTrue(answer.contains("\"access_token\":\""), answer);
        }
        stopping.get(60, TimeUnit.SECONDS);
    }

    @Test
    void closeWhenARevocationStreamIsOpenThenItEndsWithTheLastChunk() throws Exception {
        TestServer server = TestServer.start(dir, Map.of("http.shutdown-grace", "5m"));
        int port = server.baseUri().getPort();
        Http http = new Http(server.baseUri());
        String secret = http.createClient("jobs-api", "urn:keycard:admin", "keycard:introspect").getString("client_secret");
        CompletableFuture<Void> stopping;
        try (Socket stream = connect(port)) {
            stream.getOutputStream().write(("GET /oauth2/revocation-events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + Http.basic("jobs-api", secret) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String opening = readUntil(stream, "event: ready", 20_000);
            assertTrue(opening.startsWith("HTTP/1.1 200 OK"), opening);

            stopping = CompletableFuture.runAsync(server::close, OWN_THREAD);
            // Until the connection closes: with a 5 minute grace, only the shutdown handler ends it early.
            String rest = readUntil(stream, null, 60_000);
            assertTrue(rest.endsWith("0\r\n\r\n"), "the chunked stream ends properly: " + rest);
        }
        stopping.get(60, TimeUnit.SECONDS);
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return s;
    }

    private static void awaitRefused(int port) throws Exception {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // a hang guard
        while (System.nanoTime() < giveUp) {
            try (Socket probe = connect(port)) {
                Thread.sleep(20);
            } catch (ConnectException refused) {
                return;
            }
        }
        throw new AssertionError("the port still accepts connections after the stop began");
    }

    /**
     * Reads until {@code marker} appears or the connection closes, failing when that takes more
     * than {@code millis} (a hang guard); with {@code millis} 0, checks that nothing arrives within 300 ms.
     */
    private static String readUntil(Socket socket, String marker, int millis) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        InputStream in = socket.getInputStream();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis == 0 ? 300 : millis);
        try {
            while (marker == null || !got.toString(StandardCharsets.UTF_8).contains(marker)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new SocketTimeoutException();
                }
                socket.setSoTimeout((int) left);
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                got.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException quiet) {
            if (millis != 0) {
                throw new AssertionError("not done within " + millis + " ms; got: " + got);
            }
        }
        if (millis == 0 && got.size() > 0) {
            throw new AssertionError("an answer before the body was sent: " + got);
        }
        return got.toString(StandardCharsets.UTF_8);
    }
}
