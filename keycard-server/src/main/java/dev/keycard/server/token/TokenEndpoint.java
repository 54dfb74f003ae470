package dev.keycard.server.token;

import dev.keycard.server.issue.TokenDecision;
import dev.keycard.protocol.Form;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.OAuthException;
import dev.keycard.protocol.TokenResponse;
import dev.keycard.resource.DPoPProof;
import dev.keycard.server.client.AuthenticatedClient;
import dev.keycard.server.client.ClientCertificates;
import dev.keycard.server.client.ClientAuthenticator;
import dev.keycard.server.client.ScopeUsage;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The token endpoint, RFC 6749 §3.2, as one pipeline that owns the order of the steps:
 * parse (POST, form, no repeated parameter) → authenticate the client (§2.3) → take one request
 * from the client's token rate limit (429 beyond it) → find the grant
 * handler by {@code grant_type} → the handler decides → the issuer signs. A request with a DPoP
 * proof (RFC 9449) has it checked before the client authenticates, its {@code jti} spent while the
 * client's authentication settles, and gets a token bound to the proof's key. Every refusal is an
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
    private final ScopeUsage scopeUsage;
    private final DPoPBinding dpop;

    /**
     * @param rateLimits each client's limit on token requests, checked once it has authenticated
     * @param events where a request over its limit is counted and audited
     * @param dpop DPoP proofs and the tokens bound by them
     */
    public TokenEndpoint(ClientAuthenticator authenticator, TokenRateLimits rateLimits, ClientAuthEvents events,
                         List<GrantHandler> handlers, TokenIssuer issuer, Clock clock, Metrics metrics,
                         DPoPBinding dpop, ScopeUsage scopeUsage) {
        this.authenticator = authenticator;
        this.scopeUsage = scopeUsage;
        this.rateLimits = rateLimits;
        this.events = events;
        this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(GrantHandler::grantType,
                Function.identity()));
        this.issuer = issuer;
        this.clock = clock;
        this.metrics = metrics;
        this.dpop = dpop;
    }

    /** DPoP at this endpoint: its nonce and algorithms, for the HTTP layer and the metadata. */
    public DPoPBinding dpop() {
        return dpop;
    }

    /** The grant types this endpoint serves, for the metadata document. */
    public Set<GrantType> grantTypes() {
        return handlers.keySet();
    }

    /**
     * Answers a token request, waiting for the client's authentication to settle: for callers that
     * may block (tests, benchmarks, worker threads).
     */
    public TokenResponse handle(TokenHttpRequest http) {
        try {
            return handleAsync(http, Runnable::run).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Answers a token request without blocking. Everything up to the client's authentication runs
     * on the calling thread; a client assertion's last checks ({@link AuthenticatedClient#settled()})
     * complete later, and the rest (the rate limit, the grant, signing) then runs on {@code then}
     * (the request's event loop). A request authenticated by a secret completes at once.
     *
     * @return fails with the {@link OAuthException} that refuses the request
     */
    public CompletionStage<TokenResponse> handleAsync(TokenHttpRequest http, Executor then) {
        long started = System.nanoTime();
        Form form;
        Instant now;
        AuthenticatedClient client;
        DPoPProof proof;
        CompletableFuture<Void> settled;
        try {
            form = FormPost.parse(http, "token endpoint", MAY_REPEAT);
            proof = dpop.proof(http).orElse(null);
            now = clock.instant();
            client = authenticator.authenticate(http.authorization(), form, http.source(), now,
                    http::clientCertificate);
            // Spent only once the credentials checked out, as far as they can be at once.
            settled = proof == null ? client.settled() : CompletableFuture.allOf(client.settled(), dpop.spend(proof));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(refused(e));
        }
        if (settled.isDone() && !settled.isCompletedExceptionally()) {
            try {
                return CompletableFuture.completedFuture(issue(http, form, client, proof, now, started));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(refused(e));
            }
        }
        return settled.handleAsync((ok, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
                throw new CompletionException(refused(cause));
            }
            try {
                return issue(http, form, client, proof, now, started);
            } catch (RuntimeException e) {
                throw new CompletionException(refused(e));
            }
        }, then);
    }

    /** The pipeline after authentication: rate limit, grant, signing. */
    private TokenResponse issue(TokenHttpRequest http, Form form, AuthenticatedClient client, @Nullable DPoPProof proof,
                                Instant now, long started) {
        http.caller().authenticated(client.client().id().value());
        if (proof == null && client.client().dpopBound()) {
            throw OAuthError.INVALID_DPOP_PROOF.describe("this client must send a DPoP proof (dpop_bound_access_tokens)")
                    .toException();
        }
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
        String x5t = certificateBinding(http, client);
        TokenResponse response = issuer.issue(decision, now, proof == null ? null : proof.jwkThumbprint(), x5t);
        metrics.tokenIssued(decision.api(), System.nanoTime() - started);
        scopeUsage.used(client.client(), decision.api().identifier(), decision.scopes(), now);
        return response;
    }

    /**
     * RFC 8705 §3: a client registered for certificate-bound tokens gets tokens bound to the TLS
     * certificate of its request, however it authenticated (§3 is independent of §2), and none
     * without a certificate: an unbound token would defeat the registration.
     */
    private static @Nullable String certificateBinding(TokenHttpRequest http, AuthenticatedClient client) {
        if (!client.client().certificateBound()) {
            return null;
        }
        if (client.certificateThumbprint() != null) {
            return client.certificateThumbprint();
        }
        if (http.clientCertificate().isEmpty()) {
            throw OAuthError.INVALID_REQUEST.describe("this client's tokens are bound to its TLS client certificate;"
                    + " present one (tls_client_certificate_bound_access_tokens)").toException();
        }
        return ClientCertificates.thumbprint(http.clientCertificate().get(0));
    }

    /** Counts a refusal ({@code server_error} for anything unexpected) and gives it back. */
    private RuntimeException refused(Throwable e) {
        if (e instanceof OAuthException oauth) {
            metrics.tokenRefused(oauth.error().error().code());
            return oauth;
        }
        metrics.tokenRefused(OAuthError.SERVER_ERROR.code());
        return e instanceof RuntimeException r ? r : new CompletionException(e);
    }
}
