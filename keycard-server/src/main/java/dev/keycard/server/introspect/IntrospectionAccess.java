package dev.keycard.server.introspect;

import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.registry.Client;
import dev.keycard.server.issue.IssuedToken;

/**
 * Which tokens a client may learn about, RFC 7662 §2.1 ("the authorization server MUST determine
 * whether the caller is authorized") and §4: any token when it holds a grant of
 * {@code keycard:introspect} on the admin API ({@code urn:keycard:admin}), such as an API that
 * checks the tokens it receives; otherwise only the tokens issued to itself. A token the caller
 * may not see is answered as inactive, so the answer never tells whether it exists.
 */
final class IntrospectionAccess {

    private static final Scope INTROSPECT = new Scope(Api.INTROSPECT_SCOPE);

    private IntrospectionAccess() {
    }

    static boolean mayIntrospect(Client caller, IssuedToken token) {
        if (caller.id().value().equals(token.clientId())) {
            return true;
        }
        ScopeSet admin = caller.grants().get(Api.ADMIN_IDENTIFIER);
        return admin != null && admin.contains(INTROSPECT);
    }
}
