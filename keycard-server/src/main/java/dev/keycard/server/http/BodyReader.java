package dev.keycard.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/**
 * Reads a request body within limits: over {@code maxBytes} is 413 (answered as soon as the
 * {@code Content-Length} or the bytes received show it), not complete within {@code timeoutMillis}
 * is 408. Either way the connection is closed, so a slow or huge sender holds nothing for long.
 */
public final class BodyReader {

    /** How a route answers the two failures, in its own error format. */
    public interface Failure {
        void respond(int status, String description);
    }

    private BodyReader() {
    }

    public static void read(Vertx vertx, HttpServerRequest request, int maxBytes, long timeoutMillis, Failure failure,
                     Consumer<byte[]> onBody) {
        String length = request.getHeader("Content-Length");
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
            if (declared > maxBytes) {
                Responses.closeAfter(request, () -> failure.respond(413, "request body is larger than "
                        + maxBytes + " bytes"));
                return;
            }
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
            if (state.body.length() + chunk.length() > maxBytes) {
                state.done = true;
                cancel(vertx, state);
                Responses.closeAfter(request, () -> failure.respond(413, "request body is larger than "
                        + maxBytes + " bytes"));
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
            onBody.accept(state.body.getBytes());
        });
    }

    private static void cancel(Vertx vertx, State state) {
        if (state.timer >= 0) {
            vertx.cancelTimer(state.timer);
        }
    }

    /** Touched only on the request's event loop. */
    private static final class State {
        final Buffer body = Buffer.buffer();
        boolean done;
        long timer = -1;
    }
}
