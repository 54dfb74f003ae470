package dev.keycard.server.introspect;

import dev.keycard.protocol.Form;
import dev.keycard.protocol.OAuthError;
import dev.keycard.server.client.AuthenticatedClient;
import dev.keycard.server.registry.Client;
import dev.keycard.server.client.ClientAuthenticator;
import dev.keycard.server.event.Metrics;
import dev.keycard.server.issue.IssuedToken;
import dev.keycard.server.issue.IssuedTokenVerifier;
import dev.keycard.server.registry.Registry;
import dev.keycard.server.revoke.Revocations;
import dev.keycard.server.token.FormPost;
import dev.keycard.server.token.TokenHttpRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The introspection endpoint, RFC 7662 §2: parse (POST, form, no repeated parameter) → authenticate
 * the client as at the token endpoint (§2.1 requires some authorization; a failure is §2.3's 401)
 * → require {@code token} → decide whether it is active → whether the caller may see it
 * ({@link IntrospectionAccess}). {@code token_type_hint} is accepted and ignored: Keycard has
 * access tokens only.
 *
 * <p>Active means: issued by this server and intact ({@link IssuedTokenVerifier}), not expired, not
 * revoked, and issued to a client that still exists, is enabled, and existed when it was issued (not
 * an earlier client with the same {@code client_id}). Anything else, and a token the
 * caller may not see, is {@code {"active":false}} (§2.2), never an error. Reads only memory.
 */
public final class TokenIntrospection {

    private final ClientAuthenticator authenticator;
    private final IssuedTokenVerifier verifier;
    private final Revocations revocations;
    private final Registry registry;
    private final Clock clock;
    private final Metrics metrics;

    public TokenIntrospection(ClientAuthenticator authenticator, IssuedTokenVerifier verifier, Revocations revocations,
                              Registry registry, Clock clock, Metrics metrics) {
        this.authenticator = authenticator;
        this.verifier = verifier;
        this.revocations = revocations;
        this.registry = registry;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * @throws dev.keycard.protocol.OAuthException {@code invalid_request} for a malformed request or
     *     one without {@code token}, {@code invalid_client} when the caller does not authenticate
     */
    public Introspection handle(TokenHttpRequest http) {
        Form form = FormPost.parse(http, "introspection endpoint", Set.of());
        Instant now = clock.instant();
        AuthenticatedClient caller = authenticator.authenticate(http.authorization(), form, http.source(), now,
                    http::clientCertificate)
                .awaitSettled(); // at once for a secret; a client assertion's request runs where it may wait
        http.caller().authenticated(caller.client().id().value());
        String token = form.get("token").orElseThrow(() ->
                OAuthError.INVALID_REQUEST.describe("token is required").toException());
        Optional<IssuedToken> shown = verifier.verify(token)
                .filter(t -> isActive(t, now))
                .filter(t -> IntrospectionAccess.mayIntrospect(caller.client(), t));
        metrics.introspected(shown.isPresent());
        return new Introspection(caller.client().id().value(), shown, now);
    }

    private boolean isActive(IssuedToken token, Instant now) {
        return now.isBefore(token.expiresAt())
                && !revocations.isRevoked(token.jti(), token.clientId(), token.issuedAt())
                && registry.client(token.clientId()).filter(c -> c.enabled() && c.mayHaveIssued(token.issuedAt()))
                        .isPresent();
    }
}
