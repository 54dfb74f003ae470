package dev.keycard.server.token;

import dev.keycard.protocol.Form;
import dev.keycard.protocol.FormCodec;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.TokenResponse;
import dev.keycard.server.client.AuthenticatedClient;
import dev.keycard.server.client.ClientAuthenticator;
import dev.keycard.server.issue.TokenIssuer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The token endpoint, RFC 6749 §3.2, as one pipeline that owns the order of the steps:
 * parse (POST, form, no repeated parameter) → authenticate the client (§2.3) → find the grant
 * handler by {@code grant_type} → the handler decides → the issuer signs. Every refusal is an
 * {@link dev.keycard.protocol.OAuthException} that the HTTP layer writes as §5.2 says.
 */
public final class TokenEndpoint {

    /** RFC 6749 §3.2 requires POST; answered with 405 and {@code Allow: POST}. */
    public static final OAuthError METHOD_NOT_ALLOWED = new OAuthError("invalid_request", 405);

    /** Parameters RFC 8707 lets repeat; the grant refuses more than one value with invalid_target. */
    private static final Set<String> MAY_REPEAT = Set.of("resource", "audience");

    private final ClientAuthenticator authenticator;
    private final Map<GrantType, GrantHandler> handlers;
    private final TokenIssuer issuer;
    private final Clock clock;

    public TokenEndpoint(ClientAuthenticator authenticator, List<GrantHandler> handlers, TokenIssuer issuer,
                         Clock clock) {
        this.authenticator = authenticator;
        this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(GrantHandler::grantType,
                Function.identity()));
        this.issuer = issuer;
        this.clock = clock;
    }

    /** The grant types this endpoint serves, for the metadata document. */
    public Set<GrantType> grantTypes() {
        return handlers.keySet();
    }

    public TokenResponse handle(TokenHttpRequest http) {
        Form form = parse(http);
        Instant now = clock.instant();
        AuthenticatedClient client = authenticator.authenticate(http.authorization(), form, now);
        String grantType = form.get("grant_type").orElseThrow(() ->
                OAuthError.INVALID_REQUEST.describe("grant_type is required").toException());
        GrantHandler handler = handlers.get(new GrantType(grantType));
        if (handler == null) {
            throw OAuthError.UNSUPPORTED_GRANT_TYPE.describe("grant_type is not supported by this server")
                    .toException();
        }
        TokenDecision decision = handler.decide(new TokenRequest(form, client, now));
        return issuer.issue(decision, now);
    }

    private static Form parse(TokenHttpRequest http) {
        if (!http.method().equals("POST")) {
            throw METHOD_NOT_ALLOWED.describe("the token endpoint accepts POST only").toException();
        }
        if (!isForm(http.contentType())) {
            throw OAuthError.INVALID_REQUEST
                    .describe("Content-Type must be application/x-www-form-urlencoded").toException();
        }
        Form form;
        try {
            form = FormCodec.decode(http.body());
        } catch (IllegalArgumentException e) {
            throw OAuthError.INVALID_REQUEST.describe("malformed request body: " + e.getMessage()).toException();
        }
        for (String name : form.repeated()) {
            if (!MAY_REPEAT.contains(name)) {
                throw OAuthError.INVALID_REQUEST.describe("parameter is repeated: " + name).toException();
            }
        }
        return form;
    }

    /** {@code application/x-www-form-urlencoded}, with at most a UTF-8 charset parameter. */
    private static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/x-www-form-urlencoded")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=") && !p.equals("charset=utf-8") && !p.equals("charset=\"utf-8\"")) {
                return false;
            }
        }
        return true;
    }
}
