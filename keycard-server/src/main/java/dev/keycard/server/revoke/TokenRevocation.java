package dev.keycard.server.revoke;

import dev.keycard.protocol.Form;
import dev.keycard.protocol.OAuthError;
import dev.keycard.server.client.AuthenticatedClient;
import dev.keycard.server.client.ClientAuthenticator;
import dev.keycard.server.issue.IssuedToken;
import dev.keycard.server.issue.IssuedTokenVerifier;
import dev.keycard.server.token.FormPost;
import dev.keycard.server.token.TokenHttpRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revocation endpoint, RFC 7009 §2: parse (POST, form, no repeated parameter) → authenticate
 * the client as at the token endpoint (§2.1) → require {@code token} → revoke it if it is an
 * access token Keycard issued to this client and it has not expired. {@code token_type_hint} is
 * ignored (§2.1 allows it; Keycard has access tokens only).
 *
 * <p>Every token the client cannot revoke is answered like a revoked one (§2.2, 200): garbage,
 * expired, signed by a key no longer published, issued by another server, or issued to another
 * client. The last differs from §2.1's "the request is refused": a refusal would tell a client
 * that a token it holds is valid and someone else's.
 *
 * <p>Blocking: the revocation is written to the store before it is answered.
 */
public final class TokenRevocation {

    private static final Logger LOG = LoggerFactory.getLogger(TokenRevocation.class);

    private final ClientAuthenticator authenticator;
    private final IssuedTokenVerifier verifier;
    private final Revocations revocations;
    private final Clock clock;

    public TokenRevocation(ClientAuthenticator authenticator, IssuedTokenVerifier verifier, Revocations revocations,
                           Clock clock) {
        this.authenticator = authenticator;
        this.verifier = verifier;
        this.revocations = revocations;
        this.clock = clock;
    }

    /**
     * Handles one request; returning normally means 200 (§2.2).
     *
     * @return whether a token was revoked by this request
     * @throws dev.keycard.protocol.OAuthException the §2.2.1 error that refuses the request
     */
    public boolean handle(TokenHttpRequest http) {
        Form form = FormPost.parse(http, "revocation endpoint", Set.of());
        Instant now = clock.instant();
        AuthenticatedClient caller = authenticator.authenticate(http.authorization(), form, http.source(), now,
                    http::clientCertificate)
                .awaitSettled(); // at once for a secret; a client assertion's request runs where it may wait
        http.caller().authenticated(caller.client().id().value());
        String token = form.get("token").orElseThrow(() ->
                OAuthError.INVALID_REQUEST.describe("token is required").toException());
        Optional<IssuedToken> issued = verifier.verify(token);
        String callerId = caller.client().id().value();
        if (issued.isEmpty() || !issued.get().clientId().equals(callerId) || !now.isBefore(issued.get().expiresAt())) {
            LOG.debug("client {} asked to revoke a token it cannot revoke; nothing done", callerId);
            return false;
        }
        boolean revoked = revocations.revoke(issued.get().jti(), callerId, issued.get().expiresAt());
        if (revoked) {
            LOG.info("client {} revoked token {}", callerId, issued.get().jti());
        }
        return revoked;
    }
}
