package dev.keycard.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Reads a request body within limits: over {@code maxBytes} is 413, not complete within
 * {@code timeoutMillis} is 408. Either way the connection is closed, so a slow or huge sender
 * holds nothing for long. Clients send the whole body before they read the answer, and a
 * connection closed while they still send resets, so the client sees an I/O error instead of the
 * 413 (the JDK's HttpClient, Node's fetch). So a body too large but within {@link #DRAIN_LIMIT} is
 * read to its end and dropped before the 413 is sent; a larger one is answered as soon as the
 * {@code Content-Length} or the bytes received show it, and the connection closed lingeringly
 * (RFC 9112 §9.6): the 413 is written, and what the client still sends is read and dropped until
 * the body ends, for at most {@link #LINGER_BYTES} more and {@link #LINGER_MILLIS}, then it closes.
 */
public final class BodyReader {

    /** How much of a body that is too large is still read, so that its sender can read the 413. */
    static final long DRAIN_LIMIT = 1024 * 1024;
    /** After a 413 to a larger body, how much more is read and dropped before the connection closes. */
    static final long LINGER_BYTES = 16L * 1024 * 1024;
    /** ... and for how long at most. */
    static final long LINGER_MILLIS = 5_000;

    /** How a route answers the two failures, in its own error format. */
    public interface Failure {
        void respond(int status, String description);
    }

    private BodyReader() {
    }

    public static void read(Vertx vertx, HttpServerRequest request, int maxBytes, long timeoutMillis, Failure failure,
                     Consumer<byte[]> onBody) {
        String length = request.getHeader("Content-Length");
        // A client that asks first (RFC 9110 §10.1.1) sends its body only after 100 Continue: one
        // declared too large gets the 413 instead, with no body on the way to drain.
        boolean asksFirst = "100-continue".equalsIgnoreCase(request.getHeader("Expect"));
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared < 0) {
                Responses.closeAfter(request, () -> failure.respond(400, "Content-Length is malformed"));
                return;
            }
            if (declared > maxBytes && asksFirst) {
                tooLarge(request, maxBytes, failure); // nothing was sent: nothing to linger for
                return;
            }
            if (declared > maxBytes && declared > DRAIN_LIMIT) {
                lingeringTooLarge(vertx, request, maxBytes, failure);
                return;
            }
        }
        if (asksFirst) {
            request.response().writeContinue();
        }
        State state = new State();
        // A small body usually arrives with the headers and ends within this same turn of the event
        // loop; the deadline timer is armed only for a body still incomplete after it, which spares
        // nearly every request the cost of a timer.
        vertx.runOnContext(v -> {
            if (!state.done) {
                state.timer = vertx.setTimer(timeoutMillis, id -> {
                    if (!state.done) {
                        state.done = true;
                        Responses.closeAfter(request, () -> failure.respond(408, "request body did not arrive in time"));
                    }
                });
            }
        });
        request.handler(chunk -> {
            if (state.done) {
                return;
            }
            state.received += chunk.length();
            if (state.received > maxBytes) {
                state.body = null; // dropped: only counted from now on
                if (state.received > DRAIN_LIMIT) {
                    state.done = true;
                    cancel(vertx, state);
                    lingeringTooLarge(vertx, request, maxBytes, failure);
                }
                return;
            }
            state.body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> {
            state.done = true;
            cancel(vertx, state);
        });
        request.endHandler(v -> {
            if (state.done) {
                return;
            }
            state.done = true;
            cancel(vertx, state);
            if (state.body == null) {
                tooLarge(request, maxBytes, failure);
            } else {
                onBody.accept(state.body.getBytes());
            }
        });
    }

    private static void tooLarge(HttpServerRequest request, int maxBytes, Failure failure) {
        Responses.closeAfter(request, () -> failure.respond(413, tooLargeText(maxBytes)));
    }

    /** Answers 413 at once, then reads and drops the rest of the body within the linger bounds, then closes. */
    private static void lingeringTooLarge(Vertx vertx, HttpServerRequest request, int maxBytes, Failure failure) {
        request.response().putHeader("Connection", "close");
        failure.respond(413, tooLargeText(maxBytes));
        long[] dropped = {0};
        long timer = vertx.setTimer(LINGER_MILLIS, id -> request.connection().close());
        Runnable close = () -> {
            vertx.cancelTimer(timer);
            request.connection().close();
        };
        request.handler(chunk -> {
            dropped[0] += chunk.length();
            if (dropped[0] > LINGER_BYTES) {
                close.run();
            }
        });
        request.endHandler(v -> close.run());
        request.exceptionHandler(e -> close.run());
    }

    private static String tooLargeText(int maxBytes) {
        return "request body is larger than " + maxBytes + " bytes";
    }

    private static void cancel(Vertx vertx, State state) {
        if (state.timer >= 0) {
            vertx.cancelTimer(state.timer);
        }
    }

    /** Touched only on the request's event loop. */
    private static final class State {
        /** Null once the body has passed {@code maxBytes}. */
        @Nullable Buffer body = Buffer.buffer();
        long received;
        boolean done;
        long timer = -1;
    }
}
