package dev.keycard.server.registry;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.ClientId;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.config.RateLimit;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A registered service and what it may do.
 *
 * @param id its client_id
 * @param name for people
 * @param enabled a disabled client cannot authenticate
 * @param authMethods how it may authenticate at the token endpoint
 * @param grantTypes the grants it may use
 * @param defaultApi the API chosen when a request names none
 * @param grants for each API identifier, the scopes it may get there
 * @param secrets its secrets, current first
 * @param tokenRateLimit its own limit on token requests; empty: the server's default
 * @param keys the public keys its {@code private_key_jwt} assertions are signed with
 * @param identities the workloads that authenticate as it with a trusted issuer's token
 * @param dpopBound {@code dpop_bound_access_tokens} (RFC 9449 §5.2): its token requests must carry
 *     a DPoP proof, so that every token it gets is bound to its key
 * @param tlsAuth for {@code tls_client_auth} (RFC 8705 §2.1), the certificate attribute it is known by
 * @param certificateBound {@code tls_client_certificate_bound_access_tokens} (RFC 8705 §3.4): a
 *     token it gets by authenticating with its certificate is bound to that certificate
 * @param use what this node has seen it use, not part of its value (see {@link ClientUse})
 */
public record Client(ClientId id, String name, boolean enabled, Set<ClientAuthMethod> authMethods,
                     Set<GrantType> grantTypes, Optional<String> defaultApi, Map<String, ScopeSet> grants,
                     List<ClientSecret> secrets, Instant createdAt, Instant updatedAt,
                     Optional<RateLimit> tokenRateLimit, ClientKeys keys, List<FederatedIdentity> identities,
                     boolean dpopBound, Optional<TlsClientAuth> tlsAuth, boolean certificateBound, ClientUse use) {

    /** A client as registered, with nothing used yet. */
    public Client(ClientId id, String name, boolean enabled, Set<ClientAuthMethod> authMethods,
                  Set<GrantType> grantTypes, Optional<String> defaultApi, Map<String, ScopeSet> grants,
                  List<ClientSecret> secrets, Instant createdAt, Instant updatedAt,
                  Optional<RateLimit> tokenRateLimit, ClientKeys keys, List<FederatedIdentity> identities,
                  boolean dpopBound, Optional<TlsClientAuth> tlsAuth, boolean certificateBound) {
        this(id, name, enabled, authMethods, grantTypes, defaultApi, grants, secrets, createdAt, updatedAt,
                tokenRateLimit, keys, identities, dpopBound, tlsAuth, certificateBound, new ClientUse());
    }

    /** A client that authenticates with no certificate attribute. */
    public Client(ClientId id, String name, boolean enabled, Set<ClientAuthMethod> authMethods,
                  Set<GrantType> grantTypes, Optional<String> defaultApi, Map<String, ScopeSet> grants,
                  List<ClientSecret> secrets, Instant createdAt, Instant updatedAt,
                  Optional<RateLimit> tokenRateLimit, ClientKeys keys, List<FederatedIdentity> identities,
                  boolean dpopBound) {
        this(id, name, enabled, authMethods, grantTypes, defaultApi, grants, secrets, createdAt, updatedAt,
                tokenRateLimit, keys, identities, dpopBound, Optional.empty(), false);
    }

    /** A client whose tokens are bound only when it asks (a DPoP proof on its request). */
    public Client(ClientId id, String name, boolean enabled, Set<ClientAuthMethod> authMethods,
                  Set<GrantType> grantTypes, Optional<String> defaultApi, Map<String, ScopeSet> grants,
                  List<ClientSecret> secrets, Instant createdAt, Instant updatedAt,
                  Optional<RateLimit> tokenRateLimit, ClientKeys keys, List<FederatedIdentity> identities) {
        this(id, name, enabled, authMethods, grantTypes, defaultApi, grants, secrets, createdAt, updatedAt,
                tokenRateLimit, keys, identities, false);
    }

    /** A client without federated identities. */
    public Client(ClientId id, String name, boolean enabled, Set<ClientAuthMethod> authMethods,
                  Set<GrantType> grantTypes, Optional<String> defaultApi, Map<String, ScopeSet> grants,
                  List<ClientSecret> secrets, Instant createdAt, Instant updatedAt,
                  Optional<RateLimit> tokenRateLimit, ClientKeys keys) {
        this(id, name, enabled, authMethods, grantTypes, defaultApi, grants, secrets, createdAt, updatedAt,
                tokenRateLimit, keys, List.of());
    }

    /** A client without keys. */
    public Client(ClientId id, String name, boolean enabled, Set<ClientAuthMethod> authMethods,
                  Set<GrantType> grantTypes, Optional<String> defaultApi, Map<String, ScopeSet> grants,
                  List<ClientSecret> secrets, Instant createdAt, Instant updatedAt,
                  Optional<RateLimit> tokenRateLimit) {
        this(id, name, enabled, authMethods, grantTypes, defaultApi, grants, secrets, createdAt, updatedAt,
                tokenRateLimit, ClientKeys.NONE);
    }

    /** A client with the server's default token rate limit. */
    public Client(ClientId id, String name, boolean enabled, Set<ClientAuthMethod> authMethods,
                  Set<GrantType> grantTypes, Optional<String> defaultApi, Map<String, ScopeSet> grants,
                  List<ClientSecret> secrets, Instant createdAt, Instant updatedAt) {
        this(id, name, enabled, authMethods, grantTypes, defaultApi, grants, secrets, createdAt, updatedAt,
                Optional.empty());
    }

    public Client {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        authMethods = Set.copyOf(authMethods);
        grantTypes = Set.copyOf(grantTypes);
        Objects.requireNonNull(defaultApi, "defaultApi");
        grants = Map.copyOf(grants);
        secrets = List.copyOf(secrets);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(tokenRateLimit, "tokenRateLimit");
        Objects.requireNonNull(keys, "keys");
        identities = List.copyOf(identities);
        Objects.requireNonNull(tlsAuth, "tlsAuth");
        Objects.requireNonNull(use, "use");
    }

    /** The same client with {@code identities}. */
    public Client withIdentities(List<FederatedIdentity> identities) {
        return new Client(id, name, enabled, authMethods, grantTypes, defaultApi, grants, secrets, createdAt,
                updatedAt, tokenRateLimit, keys, identities, dpopBound, tlsAuth, certificateBound, use);
    }

    /** The same client, noting its uses in {@code use}: an earlier entry's, handed on by the registry. */
    Client withUse(ClientUse use) {
        return use == this.use ? this : new Client(id, name, enabled, authMethods, grantTypes, defaultApi, grants,
                secrets, createdAt, updatedAt, tokenRateLimit, keys, identities, dpopBound, tlsAuth, certificateBound,
                use);
    }


    /**
     * Whether a token issued at {@code issuedAt} can have been issued to this client, rather than
     * to an earlier client with the same {@code client_id}: not from a whole second before this
     * one was created ({@code iat} has whole seconds, so a token of the creation's own second
     * passes; a deletion's {@code revoked_before} covers that second).
     */
    public boolean mayHaveIssued(Instant issuedAt) {
        return !issuedAt.isBefore(createdAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    /** Whether this client is granted {@code keycard:admin} at the admin API (enabled or not). */
    public boolean grantedAdmin() {
        ScopeSet admin = grants.get(Api.ADMIN_IDENTIFIER);
        return admin != null && admin.contains(ADMIN_SCOPE);
    }

    private static final Scope ADMIN_SCOPE = new Scope(Api.ADMIN_SCOPE);
}
