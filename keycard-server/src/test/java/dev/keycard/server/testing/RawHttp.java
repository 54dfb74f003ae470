package dev.keycard.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Bytes over a plain socket, for requests no well-behaved HTTP client would send. */
public final class RawHttp {

    private RawHttp() {
    }

    /** What came back: the status (-1 when the server closed without answering) and the raw response. */
    public record Reply(int status, String text) {
    }

    public static Reply exchange(int port, byte[] request) {
        return exchange(port, request, 0, new byte[0]);
    }

    /** Sends {@code request}, then after {@code pauseMillis} sends {@code rest}, and reads the reply. */
    public static Reply exchange(int port, byte[] request, long pauseMillis, byte[] rest) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            if (pauseMillis > 0) {
                Thread.sleep(pauseMillis);
                try {
                    s.getOutputStream().write(rest);
                } catch (IOException closed) {
                    // The server may have answered and closed already: read what it said.
                }
            }
            return read(s.getInputStream());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Reply read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (complete(out.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // Timed out or reset: judge what arrived.
        }
        String text = out.toString(StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.")) {
            return new Reply(-1, text);
        }
        return new Reply(Integer.parseInt(text.substring(9, 12)), text);
    }

    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        int cl = head.indexOf("content-length:");
        if (cl < 0) {
            return !head.contains("transfer-encoding: chunked") || text.endsWith("0\r\n\r\n");
        }
        int lineEnd = head.indexOf("\r\n", cl);
        int length = Integer.parseInt(head.substring(cl + 15, lineEnd < 0 ? head.length() : lineEnd).trim());
        return text.length() - end - 4 >= length;
    }
}
