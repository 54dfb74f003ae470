package dev.keycard.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http.header-timeout}: request headers dribbled a byte at a time are cut off, whatever the
 * idle timeout (an hour here); a keep-alive connection quiet between requests is not.
 */
class HeaderDeadlineTest {

    private static final String REQUEST = "GET /oauth2/jwks HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: "
            + "a".repeat(60) + "\r\n\r\n";

    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir, Map.of("http.header-timeout", "1s", "http.idle-timeout", "1h",
                "http.request-timeout", "1s"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void headersWhenDribbledAByteAtATimeThenTheConnectionIsClosedBeforeTheyEnd() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.baseUri().getPort())) {
            s.setSoTimeout(1);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] bytes = REQUEST.getBytes(StandardCharsets.ISO_8859_1);
            int sent = 0;
            boolean closed = false;
            for (; sent < bytes.length && !closed; sent++) {
                try {
                    out.write(bytes[sent]);
                    out.flush();
                } catch (IOException reset) {
                    closed = true;
                    break;
                }
                Thread.sleep(150); // ~15 s for the whole header; the idle timeout (1 h) never fires
                closed = endOfStream(in);
            }
            assertTrue(closed, "the server waited for all " + bytes.length + " bytes of the header");
        }
    }

    @Test
    void bodyWhenTrickledToARouteThatDoesNotReadItThenTheConnectionIsClosedBeforeItEnds() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.baseUri().getPort())) {
            s.setSoTimeout(1);
            OutputStream out = s.getOutputStream();
            out.write("GET /oauth2/jwks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            boolean closed = false;
            for (int sent = 0; sent < 1000 && !closed; sent++) { // ~150 s for the whole body
                try {
                    out.write('a');
                    out.flush();
                } catch (IOException reset) {
                    closed = true;
                    break;
                }
                Thread.sleep(150);
                drain(in);
                closed = endOfStream(in);
            }
            assertTrue(closed, "the server waited for the whole trickled body");
        }
    }

    /** Reads and drops what has arrived (the 200 the route answered before the body was read). */
    private static void drain(InputStream in) throws IOException {
        while (in.available() > 0) {
            if (in.read() < 0) {
                return;
            }
        }
    }

    @Test
    void keepAliveConnectionWhenQuietLongerThanTheHeaderTimeoutThenStillServesTheNextRequest() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.baseUri().getPort())) {
            s.setSoTimeout(5_000);
            assertEquals("HTTP/1.1 200", exchange(s).substring(0, 12));
            Thread.sleep(2_500); // longer than http.header-timeout
            assertEquals("HTTP/1.1 200", exchange(s).substring(0, 12));
        }
    }

    @Test
    void headersWhenSplitOverTwoReadsWithinTheDeadlineThenAnswered() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.baseUri().getPort())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(REQUEST.substring(0, 20).getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            Thread.sleep(300);
            s.getOutputStream().write(REQUEST.substring(20).getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            assertEquals("HTTP/1.1 200", read(s.getInputStream()).substring(0, 12));
        }
    }

    private static String exchange(Socket s) throws IOException {
        s.getOutputStream().write(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return read(s.getInputStream());
    }

    /** The head of one response and its body, read by its Content-Length. */
    private static String read(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        int length = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return text.toString();
            }
            text.append((char) b);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0 && length < 0) {
                String head = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
                int at = head.indexOf("content-length:");
                length = Integer.parseInt(head.substring(at + 15, head.indexOf("\r\n", at) < 0 ? head.length()
                        : head.indexOf("\r\n", at)).trim());
            }
            if (length >= 0 && text.length() - text.indexOf("\r\n\r\n") - 4 >= length) {
                return text.toString();
            }
        }
    }

    private static boolean endOfStream(InputStream in) {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
