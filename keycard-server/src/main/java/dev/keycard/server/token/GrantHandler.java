package dev.keycard.server.token;

import dev.keycard.server.issue.TokenDecision;
import dev.keycard.protocol.GrantType;

/**
 * One grant type's logic. Handlers are looked up by {@link #grantType()}, so a new grant is a new
 * class, never a new branch in the endpoint.
 */
public interface GrantHandler {

    GrantType grantType();

    /**
     * Decides the token, or throws {@link dev.keycard.protocol.OAuthException} with the RFC 6749
     * §5.2 error that refuses it.
     */
    TokenDecision decide(TokenRequest request);
}
