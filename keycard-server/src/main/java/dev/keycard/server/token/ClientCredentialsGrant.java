package dev.keycard.server.token;

import dev.keycard.server.issue.TokenDecision;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.api.ResourceIdentifiers;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.Registry;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Access token request with client credentials, RFC 6749 §4.4.2. The API is chosen by
 * {@code resource} (RFC 8707 §2) or {@code audience}, else the client's default API, else its only
 * granted API. Scopes must be defined by that API and granted to the client: a request for more
 * is refused with {@code invalid_scope}, never silently narrowed. No scope asks for all granted.
 */
public final class ClientCredentialsGrant implements GrantHandler {

    private final Registry registry;
    private final Duration maxLifetime;

    public ClientCredentialsGrant(Registry registry, Duration maxLifetime) {
        this.registry = registry;
        this.maxLifetime = maxLifetime;
    }

    @Override
    public GrantType grantType() {
        return GrantType.CLIENT_CREDENTIALS;
    }

    @Override
    public TokenDecision decide(TokenRequest request) {
        Client client = request.client().client();
        if (!client.grantTypes().contains(GrantType.CLIENT_CREDENTIALS)) {
            throw OAuthError.UNAUTHORIZED_CLIENT.describe("client may not use the client_credentials grant")
                    .toException();
        }
        Api api = target(request, client);
        ScopeSet granted = client.grants().get(api.identifier());
        ScopeSet scopes = request.form().get("scope").map(text -> requested(text, api, granted)).orElse(granted);
        Duration lifetime = api.tokenLifetime().compareTo(maxLifetime) > 0 ? maxLifetime : api.tokenLifetime();
        return new TokenDecision(client, api, scopes, lifetime);
    }

    private Api target(TokenRequest request, Client client) {
        for (String resource : request.form().all("resource")) {
            if (!ResourceIdentifiers.isValid(resource)) {
                throw OAuthError.INVALID_TARGET.describe("resource must be an absolute URI without a fragment")
                        .toException();
            }
        }
        Set<String> named = new LinkedHashSet<>(request.form().all("resource"));
        named.addAll(request.form().all("audience"));
        if (named.size() > 1) {
            throw OAuthError.INVALID_TARGET.describe("a client_credentials request may name one resource")
                    .detail("named %s", named).toException();
        }
        String identifier;
        if (named.size() == 1) {
            identifier = named.iterator().next();
        } else if (client.defaultApi().isPresent()) {
            identifier = client.defaultApi().get();
        } else if (client.grants().size() == 1) {
            identifier = client.grants().keySet().iterator().next();
        } else {
            throw OAuthError.INVALID_TARGET.describe("name the API with the resource parameter")
                    .detail("client %s has %d grants and no default API", client.id(), client.grants().size())
                    .toException();
        }
        Optional<Api> api = registry.api(identifier).filter(Api::enabled);
        if (api.isEmpty() || !client.grants().containsKey(identifier)) {
            throw OAuthError.INVALID_TARGET.describe("the client may not get tokens for this resource")
                    .detail("resource %s: %s", identifier, api.isEmpty() ? "unknown or disabled" : "no grant")
                    .toException();
        }
        return api.get();
    }

    private static ScopeSet requested(String text, Api api, ScopeSet granted) {
        ScopeSet asked;
        try {
            asked = ScopeSet.parse(text);
        } catch (IllegalArgumentException e) {
            throw OAuthError.INVALID_SCOPE.describe("scope is malformed (RFC 6749 section 3.3)").toException();
        }
        ScopeSet unknown = api.scopes().missing(asked);
        if (!unknown.isEmpty()) {
            throw OAuthError.INVALID_SCOPE.describe("unknown scope: " + unknown).toException();
        }
        ScopeSet notGranted = granted.missing(asked);
        if (!notGranted.isEmpty()) {
            throw OAuthError.INVALID_SCOPE.describe("scope not granted to this client: " + notGranted).toException();
        }
        return asked;
    }
}
