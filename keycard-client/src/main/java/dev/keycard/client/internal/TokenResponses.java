package dev.keycard.client.internal;

import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;
import dev.keycard.client.AccessToken;
import dev.keycard.client.KeycardClientException;
import dev.keycard.client.TokenRequestException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Reads a token endpoint answer: success per RFC 6749 §5.1, refusal per §5.2, and the statuses
 * worth retrying (5xx, 429).
 */
final class TokenResponses {

    /**
     * The lifetime assumed when a response has no {@code expires_in} (§5.1 makes it optional):
     * short, so a token of unknown life is replaced soon; a 401 before then triggers a refresh.
     */
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    private TokenResponses() {
    }

    /**
     * The token in a 2xx answer, or the failure an error answer stands for.
     *
     * @param requested the scopes asked for, the token's scopes when the answer names none
     * @param sentAtMillis when the request left, so that {@code expires_in} never over-reaches
     * @throws TokenRequestException on a 4xx other than 429
     * @throws RetryableFailure on 5xx and 429
     * @throws KeycardClientException when the answer breaks the protocol
     */
    static AccessToken parse(HttpResponse<String> r, Set<String> requested, long sentAtMillis, String clientId, Clock clock,
                             boolean dpop) {
        int status = r.statusCode();
        if (status == 429 || status >= 500) {
            JsonObject body = json(r.body());
            String error = body == null ? null : body.getString("error");
            throw new RetryableFailure("HTTP " + status + (error == null ? "" : " " + error), null,
                    RetryAfter.parse(r.headers().firstValue("Retry-After").orElse(null), clock));
        }
        if (status >= 400) {
            throw refusal(status, json(r.body()), clientId);
        }
        if (status < 200 || status > 299) {
            throw new KeycardClientException("token endpoint answered HTTP " + status + " for client_id " + clientId);
        }
        JsonObject body = json(r.body());
        if (body == null) {
            throw new KeycardClientException("token response for client_id " + clientId + " is not a JSON object");
        }
        String token = body.getString("access_token");
        if (token == null || token.isEmpty()) {
            throw new KeycardClientException("token response for client_id " + clientId + " has no access_token");
        }
        String type = body.getString("token_type");
        boolean bound = dpop && "DPoP".equalsIgnoreCase(type);
        if (dpop && !bound) {
            // Asked for a bound token, given something else (a server that does not do DPoP): an
            // unbound token is what dpop() is there to avoid, so it is not used.
            throw new KeycardClientException("token response for client_id " + clientId + " has token_type "
                    + (type == null ? "missing" : "'" + type + "'") + ", not DPoP: the server did not bind the token"
                    + " to the DPoP key (RFC 9449 section 5)");
        }
        if (!dpop && !"Bearer".equalsIgnoreCase(type)) {
            throw new KeycardClientException("token response for client_id " + clientId + " has token_type "
                    + (type == null ? "missing" : "'" + type + "'") + ", not Bearer");
        }
        long expiresIn = expiresIn(body.get("expires_in"), clientId);
        String scope = body.getString("scope");
        Set<String> scopes = scope == null ? requested
                : Arrays.stream(scope.split(" ")).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        return new AccessToken(token, bound ? "DPoP" : "Bearer", Instant.ofEpochMilli(sentAtMillis).plusSeconds(expiresIn),
                scopes);
    }

    /** Whether an answer is the OAuth error {@code code} (RFC 6749 §5.2). */
    static boolean isError(HttpResponse<String> r, String code) {
        JsonObject body = json(r.body());
        return body != null && code.equals(body.getString("error"));
    }

    private static TokenRequestException refusal(int status, @Nullable JsonObject body, String clientId) {
        String error = body == null ? null : body.getString("error");
        String description = error == null ? null : body.getString("error_description");
        String message = error == null
                ? "token request for client_id " + clientId + " refused: HTTP " + status + " without an OAuth error"
                : "token request for client_id " + clientId + " refused: " + error
                        + (description == null ? "" : " (" + description + ")") + ", HTTP " + status;
        return new TokenRequestException(message, status, error, description);
    }

    private static long expiresIn(@Nullable Object v, String clientId) {
        if (v == null) {
            return DEFAULT_LIFETIME.toSeconds();
        }
        long seconds;
        if (v instanceof Number n) {
            seconds = n.longValue();
        } else {
            // Some servers send it as a string; accept digits, nothing else.
            try {
                seconds = Long.parseLong(v.toString());
            } catch (NumberFormatException e) {
                seconds = -1;
            }
        }
        if (seconds <= 0) {
            throw new KeycardClientException("token response for client_id " + clientId + " has an invalid expires_in");
        }
        return seconds;
    }

    static @Nullable JsonObject json(@Nullable String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        try {
            return JsonParser.object().from(body);
        } catch (JsonParserException | RuntimeException e) {
            return null;
        }
    }
}
