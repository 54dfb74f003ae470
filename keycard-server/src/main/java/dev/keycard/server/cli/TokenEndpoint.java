package dev.keycard.server.cli;

import dev.keycard.protocol.FormCodec;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The client side of the access token request, RFC 6749 §4.4.2, authenticated with
 * {@code client_secret_basic} (§2.3.1: id and secret are each form-urlencoded before Basic).
 */
final class TokenEndpoint {

    static final String PATH = "/oauth2/token";

    private TokenEndpoint() {
    }

    /**
     * Asks for a token with the {@code client_credentials} grant and the extra parameters given.
     *
     * @return the token response (RFC 6749 §5.1)
     * @throws CliException for an OAuth error (§5.2) or a failed exchange
     */
    static JsonObject request(HttpClient http, String baseUrl, ClientCredentials client, Map<String, String> params) {
        StringJoiner form = new StringJoiner("&");
        form.add("grant_type=client_credentials");
        params.forEach((name, value) -> form.add(FormCodec.encodeComponent(name) + "=" + FormCodec.encodeComponent(value)));
        String basic = FormCodec.encodeComponent(client.id()) + ":" + FormCodec.encodeComponent(client.secret());
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + PATH))
                .timeout(Transport.REQUEST_TIMEOUT)
                .header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("User-Agent", Transport.USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofString(form.toString(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response = Transport.send(http, request);
        if (response.statusCode() == 200) {
            JsonObject token = Transport.requireJsonObject(response);
            if (!(token.getValue("access_token") instanceof String)) {
                throw new CliException(ExitCodes.UNAVAILABLE,
                        "error: " + request.uri() + " answered without an access_token");
            }
            return token;
        }
        throw failure(response);
    }

    /** An error response, RFC 6749 §5.2, as {@code error: <error>: <error_description>}. */
    private static CliException failure(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonObject body = Transport.jsonObjectOrNull(response.body());
        if (body == null || !(body.getValue("error") instanceof String error)) {
            return new CliException(ExitCodes.forStatus(status),
                    "error: " + response.uri() + " answered HTTP " + status);
        }
        int exitCode;
        if ("invalid_client".equals(error)) {
            exitCode = ExitCodes.DENIED;
        } else if (status >= 500) {
            exitCode = ExitCodes.UNAVAILABLE;
        } else {
            exitCode = ExitCodes.REJECTED;
        }
        String message = "error: " + Table.clean(error);
        if (body.getValue("error_description") instanceof String description && !description.isEmpty()) {
            message += ": " + Table.clean(description);
        }
        return new CliException(exitCode, message);
    }
}
