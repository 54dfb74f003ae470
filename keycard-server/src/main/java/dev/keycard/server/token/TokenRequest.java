package dev.keycard.server.token;

import dev.keycard.protocol.Form;
import dev.keycard.server.client.AuthenticatedClient;
import java.time.Instant;

/**
 * A parsed token request from an authenticated client, handed to a {@link GrantHandler}.
 *
 * @param form the parameters, none repeated but {@code resource} and {@code audience}
 * @param client who asks
 * @param now the request's time, read once
 */
public record TokenRequest(Form form, AuthenticatedClient client, Instant now) {
}
