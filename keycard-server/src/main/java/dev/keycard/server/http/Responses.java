package dev.keycard.server.http;

import dev.keycard.protocol.Json;
import dev.keycard.protocol.OAuthError;
import dev.keycard.server.token.TokenEndpoint;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Writes every response Keycard sends: JSON, OAuth errors (RFC 6749 §5.2) and problems (RFC 9457). */
public final class Responses {

    public static final String JSON = "application/json;charset=UTF-8";
    public static final String PROBLEM_JSON = "application/problem+json;charset=UTF-8";

    private Responses() {
    }

    /** A JSON body that must not be cached: token responses and errors (RFC 6749 §5.1). */
    public static void noStoreJson(HttpServerRequest request, int status, String body) {
        HttpServerResponse r = request.response().setStatusCode(status);
        r.headers().set("Content-Type", JSON).set("Cache-Control", "no-store").set("Pragma", "no-cache");
        r.end(body);
    }

    /** A JSON body that caches may keep for {@code maxAgeSeconds}. */
    public static void cacheableJson(HttpServerRequest request, String body, int maxAgeSeconds) {
        HttpServerResponse r = request.response().setStatusCode(200);
        r.headers().set("Content-Type", JSON).set("Cache-Control", "public, max-age=" + maxAgeSeconds);
        r.end(body);
    }

    /**
     * An OAuth error, RFC 6749 §5.2. A 401 carries the Basic challenge RFC 6749 §5.2 and RFC 9110
     * §15.5.2 require; a 405 says which method is allowed; a 429 or 503 when to retry.
     */
    public static void oauthError(HttpServerRequest request, OAuthError.Described error) {
        StringBuilder body = new StringBuilder(96).append("{\"error\":");
        Json.appendString(body, error.error().code());
        if (!error.description().isEmpty()) {
            body.append(",\"error_description\":");
            Json.appendString(body, error.description());
        }
        body.append('}');
        int status = error.error().status();
        if (status == 401) {
            request.response().putHeader("WWW-Authenticate", "Basic realm=\"keycard\", charset=\"UTF-8\"");
        }
        if (error.error() == TokenEndpoint.METHOD_NOT_ALLOWED) {
            request.response().putHeader("Allow", "POST");
        }
        if (error.retryAfterSeconds() > 0) {
            request.response().putHeader("Retry-After", Long.toString(error.retryAfterSeconds()));
        }
        noStoreJson(request, status, body.toString());
    }

    /** An RFC 9457 problem. */
    public static void problem(HttpServerRequest request, Problem problem) {
        JsonObject body = new JsonObject().put("type", problem.type()).put("title", problem.title())
                .put("status", problem.status());
        if (!problem.detail().isEmpty()) {
            body.put("detail", problem.detail());
        }
        if (!problem.errors().isEmpty()) {
            JsonArray errors = new JsonArray();
            problem.errors().forEach(e -> errors.add(new JsonObject().put("field", e.field()).put("message", e.message())));
            body.put("errors", errors);
        }
        HttpServerResponse r = request.response().setStatusCode(problem.status());
        r.headers().set("Content-Type", PROBLEM_JSON).set("Cache-Control", "no-store");
        problem.headers().forEach(r.headers()::set);
        r.end(body.encode());
    }

    /** Ends the exchange and closes the connection: after 408 and 413 the rest of the body is not read. */
    public static void closeAfter(HttpServerRequest request, Runnable write) {
        request.response().putHeader("Connection", "close"); // HTTP/1.1 only: h2c is off
        write.run();
        request.connection().close();
    }

    /** A field that failed validation. */
    public record FieldError(String field, String message) {
    }

    /**
     * An RFC 9457 problem.
     *
     * @param type a URI naming the kind of problem
     * @param title a short summary, the same for every problem of this type
     * @param status the HTTP status
     * @param detail this occurrence, in words
     * @param errors the invalid fields, if that is the problem
     * @param headers extra response headers, such as {@code WWW-Authenticate}
     */
    public record Problem(String type, String title, int status, String detail, List<FieldError> errors,
                          Map<String, String> headers) {

        public static Problem of(int status, String kind, String title, String detail) {
            return new Problem("urn:keycard:problem:" + kind, title, status, detail, List.of(), Map.of());
        }

        public Problem withHeader(String name, String value) {
            Map<String, String> h = new HashMap<>(headers);
            h.put(name, value);
            return new Problem(type, title, status, detail, errors, Map.copyOf(h));
        }
    }
}
