package dev.keycard.server.admin;

import dev.keycard.server.revoke.Revocations;
import dev.keycard.server.store.ClientRepository;
import dev.keycard.server.store.Database;
import java.time.Clock;
import java.time.Instant;

/**
 * Revoking every token of a client at once, e.g. after its secret leaked: each token issued to it
 * until now is refused by introspection from this moment. The client itself is unchanged and can
 * get new tokens (from the next second on: {@code iat} has whole seconds). Blocking.
 */
public final class TokenRevocationAdmin {

    private final Database db;
    private final ClientRepository clients;
    private final Revocations revocations;
    private final Clock clock;

    TokenRevocationAdmin(Database db, ClientRepository clients, Revocations revocations, Clock clock) {
        this.db = db;
        this.clients = clients;
        this.revocations = revocations;
        this.clock = clock;
    }

    /** Revokes every token of client {@code id} issued until now; answers the client's {@code revoked_before}. */
    public Instant revokeTokens(String id) {
        if (!db.transaction(c -> clients.exists(c, id))) {
            throw AdminProblem.notFound("no client with client_id " + id);
        }
        return revocations.revokeClientBefore(id, clock.instant());
    }
}
