package dev.keycard.server.cli;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * A session with the admin API ({@code docs/admin-api.md}): gets an admin access token once, then
 * sends each call with it and turns RFC 9457 problems into {@link CliException}s.
 */
final class AdminHttp implements AutoCloseable {

    static final String ADMIN_RESOURCE = "urn:keycard:admin";
    static final String ADMIN_SCOPE = "keycard:admin";
    private static final String PREFIX = "/admin/v1";

    private final HttpClient http;
    private final String baseUrl;
    private final ClientCredentials admin;
    private @Nullable String accessToken;

    AdminHttp(String baseUrl, ClientCredentials admin) {
        this(Transport.newClient(), baseUrl, admin);
    }

    AdminHttp(java.net.http.HttpClient http, String baseUrl, ClientCredentials admin) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.admin = admin;
    }

    /** {@code /admin/v1/a/b…}, each part percent-encoded as one segment. */
    static String path(String... parts) {
        StringJoiner path = new StringJoiner("/", PREFIX + "/", "");
        for (String part : parts) {
            path.add(Transport.segment(part));
        }
        return path.toString();
    }

    JsonObject get(String path) {
        return send("GET", path, null);
    }

    JsonObject post(String path, JsonObject body) {
        return send("POST", path, body);
    }

    JsonObject patch(String path, JsonObject body) {
        return send("PATCH", path, body);
    }

    JsonObject put(String path, JsonObject body) {
        return send("PUT", path, body);
    }

    /** Sends a DELETE; the server answers 204, so there is nothing to return. */
    void delete(String path) {
        send("DELETE", path, null);
    }

    private JsonObject send(String method, String path, @Nullable JsonObject body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Transport.REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + accessToken())
                .header("Accept", "application/json")
                .header("User-Agent", Transport.USER_AGENT);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.encode(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = Transport.send(http, request.build());
        int status = response.statusCode();
        if (status == 204) {
            return new JsonObject();
        }
        if (status >= 200 && status < 300) {
            return Transport.requireJsonObject(response);
        }
        throw problem(response);
    }

    private String accessToken() {
        if (accessToken == null) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("resource", ADMIN_RESOURCE);
            params.put("scope", ADMIN_SCOPE);
            JsonObject token = TokenEndpoint.request(http, baseUrl, admin, params);
            accessToken = token.getString("access_token");
        }
        return accessToken;
    }

    /**
     * An RFC 9457 problem as {@code error: <title>: <detail>} and one line per entry of its
     * {@code errors} member; an answer that is not a problem is named by its status and URL.
     */
    static CliException problem(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonObject body = Transport.jsonObjectOrNull(response.body());
        if (body == null || !(body.getValue("title") instanceof String title)) {
            return new CliException(ExitCodes.forStatus(status),
                    "error: " + response.request().method() + " " + response.uri() + " answered HTTP " + status);
        }
        StringBuilder message = new StringBuilder("error: ").append(Table.clean(title));
        if (body.getValue("detail") instanceof String detail && !detail.isEmpty()) {
            message.append(": ").append(Table.clean(detail));
        }
        if (body.getValue("errors") instanceof Iterable<?> errors) {
            for (Object entry : errors) {
                if (entry instanceof JsonObject error) {
                    message.append(System.lineSeparator()).append("  ")
                            .append(Table.clean(error.getValue("field"))).append(": ")
                            .append(Table.clean(error.getValue("message")));
                }
            }
        }
        return new CliException(ExitCodes.forStatus(status), message.toString());
    }

    @Override
    public void close() {
        http.close();
    }
}
