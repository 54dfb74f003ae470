package dev.keycard.server.token;

import dev.keycard.server.issue.TokenDecision;
import dev.keycard.protocol.Form;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.OAuthException;
import dev.keycard.protocol.TokenResponse;
import dev.keycard.server.client.AuthenticatedClient;
import dev.keycard.server.client.ClientAuthenticator;
import dev.keycard.server.client.RequestLimit;
import dev.keycard.server.client.TokenRateLimits;
import dev.keycard.server.event.ClientAuthEvents;
import dev.keycard.server.event.Metrics;
import dev.keycard.server.issue.TokenIssuer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The token endpoint, RFC 6749 §3.2, as one pipeline that owns the order of the steps:
 * parse (POST, form, no repeated parameter) → authenticate the client (§2.3) → take one request
 * from the client's token rate limit (429 beyond it) → find the grant
 * handler by {@code grant_type} → the handler decides → the issuer signs. Every refusal is an
 * {@link dev.keycard.protocol.OAuthException} that the HTTP layer writes as §5.2 says. Each issued
 * token and each refusal is counted ({@link Metrics}).
 */
public final class TokenEndpoint {

    /** RFC 6749 §3.2 requires POST; answered with 405 and {@code Allow: POST}. */
    public static final OAuthError METHOD_NOT_ALLOWED = new OAuthError("invalid_request", 405);

    /** Parameters RFC 8707 lets repeat; the grant refuses more than one value with invalid_target. */
    private static final Set<String> MAY_REPEAT = Set.of("resource", "audience");

    private final ClientAuthenticator authenticator;
    private final TokenRateLimits rateLimits;
    private final ClientAuthEvents events;
    private final Map<GrantType, GrantHandler> handlers;
    private final TokenIssuer issuer;
    private final Clock clock;
    private final Metrics metrics;

    /**
     * @param rateLimits each client's limit on token requests, checked once it has authenticated
     * @param events where a request over its limit is counted and audited
     */
    public TokenEndpoint(ClientAuthenticator authenticator, TokenRateLimits rateLimits, ClientAuthEvents events,
                         List<GrantHandler> handlers, TokenIssuer issuer, Clock clock, Metrics metrics) {
        this.authenticator = authenticator;
        this.rateLimits = rateLimits;
        this.events = events;
        this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(GrantHandler::grantType,
                Function.identity()));
        this.issuer = issuer;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The grant types this endpoint serves, for the metadata document. */
    public Set<GrantType> grantTypes() {
        return handlers.keySet();
    }

    public TokenResponse handle(TokenHttpRequest http) {
        long started = System.nanoTime();
        try {
            Form form = FormPost.parse(http, "token endpoint", MAY_REPEAT);
            Instant now = clock.instant();
            AuthenticatedClient client = authenticator.authenticate(http.authorization(), form, http.source(), now);
            http.caller().authenticated(client.client().id().value());
            rateLimits.take(client.client(), now).ifPresent(wait -> {
                events.rateLimited(RequestLimit.TOKEN_RATE.label(), client.client().id().value(), http.source(), now);
                throw OAuthError.TOO_MANY_REQUESTS.describe("too many token requests for this client; retry later")
                        .retryAfter(wait).detail("over %s", rateLimits.limitOf(client.client())).toException();
            });
            String grantType = form.get("grant_type").orElseThrow(() ->
                    OAuthError.INVALID_REQUEST.describe("grant_type is required").toException());
            GrantHandler handler = handlers.get(new GrantType(grantType));
            if (handler == null) {
                throw OAuthError.UNSUPPORTED_GRANT_TYPE.describe("grant_type is not supported by this server")
                        .toException();
            }
            TokenDecision decision = handler.decide(new TokenRequest(form, client, now));
            TokenResponse response = issuer.issue(decision, now);
            metrics.tokenIssued(decision.api(), System.nanoTime() - started);
            return response;
        } catch (OAuthException e) {
            metrics.tokenRefused(e.error().error().code());
            throw e;
        } catch (RuntimeException e) { // answered as server_error
            metrics.tokenRefused(OAuthError.SERVER_ERROR.code());
            throw e;
        }
    }
}
