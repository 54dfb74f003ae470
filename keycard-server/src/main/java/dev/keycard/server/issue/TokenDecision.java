package dev.keycard.server.issue;

import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.registry.Client;
import java.time.Duration;

/**
 * What a grant handler decided: who the token is for, which API, which scopes, for how long. It
 * signs nothing; the issuer does.
 *
 * @param client the subject and {@code client_id}
 * @param api the audience
 * @param scopes the scopes granted
 * @param lifetime how long the token lives
 */
public record TokenDecision(Client client, Api api, ScopeSet scopes, Duration lifetime) {
}
