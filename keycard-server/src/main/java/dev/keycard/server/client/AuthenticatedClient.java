package dev.keycard.server.client;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.OAuthException;
import dev.keycard.server.registry.Client;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * A client whose credentials checked out for this request, or are being checked: a secret is
 * checked at once; a client assertion's last steps (a key set to fetch, its {@code jti} to spend
 * in the store) complete {@link #settled()} later. Nothing may be done for the client before
 * {@code settled} completes normally.
 *
 * @param client the client as registered
 * @param method how it authenticated
 * @param credentialId the secret that matched; {@code key} for a client assertion
 * @param settled completes when authentication is done; fails with the {@link OAuthException}
 *     that refuses the request
 * @param certificateThumbprint for mutual-TLS authentication, the {@code x5t#S256} of the client's
 *     certificate (RFC 8705 §3.1), to which its tokens may be bound
 */
public record AuthenticatedClient(Client client, ClientAuthMethod method, String credentialId,
                                  CompletableFuture<Void> settled, @Nullable String certificateThumbprint) {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** Authenticated already. */
    public AuthenticatedClient(Client client, ClientAuthMethod method, String credentialId) {
        this(client, method, credentialId, DONE, null);
    }

    /** Authenticated by a credential other than a certificate, once {@code settled} completes. */
    public AuthenticatedClient(Client client, ClientAuthMethod method, String credentialId,
                               CompletableFuture<Void> settled) {
        this(client, method, credentialId, settled, null);
    }

    /** Authenticated by its certificate, whose {@code x5t#S256} this is. */
    static AuthenticatedClient byCertificate(Client client, ClientAuthMethod method, String thumbprint) {
        return new AuthenticatedClient(client, method, "x5t#S256:" + thumbprint, DONE, thumbprint);
    }

    /** Whether authentication is already complete, and succeeded. */
    public boolean isSettled() {
        return settled.isDone() && !settled.isCompletedExceptionally();
    }

    /**
     * Waits until authentication is done: call it only where a thread may block (a worker or
     * virtual thread), or after {@link #isSettled()}.
     *
     * @throws OAuthException the refusal, when the last checks failed
     */
    public AuthenticatedClient awaitSettled() {
        try {
            settled.join();
            return this;
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
