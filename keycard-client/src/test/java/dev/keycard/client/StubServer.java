package dev.keycard.client;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scripted HTTP server on a loopback port chosen by the OS: records every request and answers
 * with what the test says. Answers run on virtual threads, so one may block without stopping others.
 */
final class StubServer implements AutoCloseable {

    record Request(String method, String path, Headers headers, String body, long receivedNanos) {
        String header(String name) {
            return headers.getFirst(name);
        }

        /** The decoded Basic credentials, "id:secret" still form-encoded. */
        String basic() {
            String h = header("Authorization");
            return h == null ? null : new String(Base64.getDecoder().decode(h.substring("Basic ".length())), StandardCharsets.UTF_8);
        }
    }

    record Response(int status, Map<String, String> headers, String body) {
        static Response json(int status, String body) {
            return new Response(status, Map.of("Content-Type", "application/json"), body);
        }

        static Response token(String value, long expiresIn) {
            return json(200, "{\"access_token\":\"" + value + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}");
        }

        static Response error(int status, String error, String description) {
            return json(status, "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}");
        }

        Response header(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Response(status, h, body);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Response> responder = r -> Response.json(404, "{}");

    private StubServer(HttpServer server) {
        this.server = server;
    }

    static StubServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        StubServer stub = new StubServer(server);
        server.createContext("/", stub::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return stub;
    }

    /** Answers with each response in turn; the last one answers every further request. */
    StubServer script(Response... responses) {
        List<Response> list = List.of(responses);
        AtomicInteger next = new AtomicInteger();
        return respond(r -> list.get(Math.min(next.getAndIncrement(), list.size() - 1)));
    }

    StubServer respond(Function<Request, Response> responder) {
        this.responder = responder;
        return this;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests() {
        return new ArrayList<>(requests);
    }

    List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    int count() {
        return requests.size();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRequestHeaders(),
                    body, System.nanoTime());
            requests.add(request);
            Response r = responder.apply(request);
            r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
