package dev.keycard.spring;

import dev.keycard.client.AccessToken;
import dev.keycard.client.ClientCredentialsTokenSource;
import java.io.IOException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Adds {@code Authorization: Bearer} with a token from keycard-client to each request of a
 * {@code RestClient} or {@code RestTemplate} (RFC 6750 §2.1). When the API answers 401 with
 * {@code error="invalid_token"} (the token was revoked, or its key removed), the token is
 * dropped and the request sent once more with a new one; any other answer is the caller's.
 * Getting a token blocks; a failure to get one is keycard-client's
 * {@code TokenRequestException}.
 */
public final class KeycardClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {

    private final ClientCredentialsTokenSource tokens;

    public KeycardClientHttpRequestInterceptor(ClientCredentialsTokenSource tokens) {
        this.tokens = tokens;
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        AccessToken token = tokens.token();
        request.getHeaders().setBearerAuth(token.value());
        ClientHttpResponse response = execution.execute(request, body);
        if (response.getStatusCode().value() != 401
                || !invalidToken(response.getHeaders().getFirst("WWW-Authenticate"))) {
            return response;
        }
        tokens.invalidate(token);
        AccessToken fresh = tokens.token();
        if (fresh.value().equals(token.value())) {
            return response; // no newer token to be had now: the caller reads the 401
        }
        response.close();
        request.getHeaders().setBearerAuth(fresh.value());
        return execution.execute(request, body);
    }

    /** A Bearer challenge with {@code error="invalid_token"} (RFC 6750 §3.1). */
    static boolean invalidToken(@Nullable String challenge) {
        return challenge != null && challenge.toLowerCase(Locale.ROOT).startsWith("bearer")
                && challenge.replace(" ", "").contains("error=\"invalid_token\"");
    }
}
