package dev.keycard.server.client;

import dev.keycard.server.registry.Client;
import dev.keycard.protocol.ClientAuthMethod;

/**
 * A client whose credentials checked out for this request.
 *
 * @param client the client as registered
 * @param method how it authenticated
 * @param secretId the secret that matched; for a client assertion, {@code key:} and the kid of
 *     the key that verified it
 */
public record AuthenticatedClient(Client client, ClientAuthMethod method, String secretId) {
}
