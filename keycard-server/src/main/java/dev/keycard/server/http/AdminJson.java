package dev.keycard.server.http;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.api.Api;
import dev.keycard.server.registry.Client;
import dev.keycard.server.registry.ClientSecret;
import dev.keycard.server.registry.FederatedIdentity;
import dev.keycard.server.registry.Registry;
import dev.keycard.server.registry.TrustSource;
import dev.keycard.server.client.SecretUsage;
import dev.keycard.server.config.RateLimit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import dev.keycard.server.keys.KeyRing;
import dev.keycard.server.keys.SigningKey;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** The JSON shapes of the admin API (docs/admin-api.md). Never a secret's value, only its hint. */
final class AdminJson {

    private final SecretUsage usage;
    private final Registry registry;

    /** @param registry where this node notes what each client used ({@link SecretUsage#pending}) */
    AdminJson(SecretUsage usage, Registry registry) {
        this.usage = usage;
        this.registry = registry;
    }

    JsonObject api(Api a) {
        return new JsonObject()
                .put("identifier", a.identifier())
                .put("name", a.name())
                .put("scopes", scopes(a.scopes()))
                .put("token_lifetime", a.tokenLifetime().toSeconds())
                .put("signing_alg", a.signingAlg().name())
                .put("token_type", a.tokenType().value())
                .put("enabled", a.enabled())
                .put("built_in", a.builtIn())
                .put("created_at", a.createdAt().toString())
                .put("updated_at", a.updatedAt().toString());
    }

    JsonObject client(Client c, Instant now) {
        JsonArray grants = new JsonArray();
        new TreeMap<>(c.grants()).forEach((api, scopes) ->
                grants.add(new JsonObject().put("api", api).put("scopes", scopes(scopes))));
        JsonObject json = new JsonObject()
                .put("client_id", c.id().value())
                .put("name", c.name())
                .put("enabled", c.enabled())
                .put("auth_methods", new JsonArray(c.authMethods().stream().map(ClientAuthMethod::value).sorted().toList()))
                .put("grant_types", new JsonArray(c.grantTypes().stream().map(GrantType::value).sorted().toList()))
                .put("default_api", c.defaultApi().orElse(null))
                .put("grants", grants)
                .put("token_rate_limit", c.tokenRateLimit().map(RateLimit::toString).orElse(null))
                .put("jwks", c.keys().jwks().map(JsonObject::new).orElse(null))
                .put("jwks_uri", c.keys().jwksUri().map(java.net.URI::toString).orElse(null))
                .put("token_endpoint_auth_signing_alg", c.keys().signingAlg().orElse(null))
                .put("dpop_bound_access_tokens", c.dpopBound())
                .put("tls_client_certificate_bound_access_tokens", c.certificateBound())
                .put("secrets", secrets(c.id().value(), c.secrets(), now))
                .put("federated_identities", new JsonArray(c.identities().stream().map(AdminJson::identity).toList()))
                .put("created_at", c.createdAt().toString())
                .put("updated_at", c.updatedAt().toString());
        // RFC 8705 §2.1.2: the one attribute a tls_client_auth client's certificate carries.
        c.tlsAuth().ifPresent(t -> json.put(t.attribute().metadata(), t.value()));
        return json;
    }

    static JsonObject identity(FederatedIdentity i) {
        JsonObject claims = new JsonObject();
        new TreeMap<>(i.claims()).forEach(claims::put);
        return new JsonObject().put("id", i.id()).put("trust_source", i.trustSource()).put("subject", i.subject())
                .put("claims", claims).put("created_at", i.createdAt().toString());
    }

    /** A trust source; its audience is shown as it applies (Keycard's issuer when none was given). */
    static JsonObject trustSource(TrustSource t, String issuer) {
        return new JsonObject()
                .put("name", t.name())
                .put("kind", t.kind().wire())
                .put(t.kind() == TrustSource.Kind.SPIFFE ? "trust_domain" : "issuer",
                        t.kind() == TrustSource.Kind.SPIFFE ? t.issuer().substring("spiffe://".length()) : t.issuer())
                .put("keys", t.keys().discovery() ? "discovery" : t.keys().jwksUri().isPresent() ? "jwks_uri" : "jwks")
                .put("jwks_uri", t.keys().jwksUri().map(java.net.URI::toString).orElse(null))
                .put("jwks", t.keys().jwks().map(JsonObject::new).orElse(null))
                .put("audience", t.audience().orElse(issuer))
                .put("max_token_lifetime", t.maxTokenLifetime().toSeconds())
                .put("created_at", t.createdAt().toString());
    }

    /** The secrets of the client {@code clientId}. */
    JsonArray secrets(String clientId, Collection<ClientSecret> secrets, Instant now) {
        JsonArray out = new JsonArray();
        Optional<Client> registered = registry.client(clientId);
        secrets.forEach(s -> out.add(secret(registered, s, now)));
        return out;
    }

    /** The secret {@code s} of the client {@code clientId}. */
    JsonObject secret(String clientId, ClientSecret s, Instant now) {
        return secret(registry.client(clientId), s, now);
    }

    /** {@code registered}: the client as this node's registry holds it, with what it saw the client use. */
    private JsonObject secret(Optional<Client> registered, ClientSecret s, Instant now) {
        Instant lastUsed = latest(s.lastUsedAt(),
                registered.flatMap(c -> usage.pending(c, s.id())).orElse(null));
        return new JsonObject()
                .put("id", s.id())
                .put("hint", s.hint())
                .put("created_at", s.createdAt().toString())
                .put("expires_at", s.expiresAt() == null ? null : s.expiresAt().toString())
                .put("last_used_at", lastUsed == null ? null : lastUsed.toString())
                .put("active", s.activeAt(now))
                .put("in_grace_period", s.inGracePeriodAt(now));
    }

    JsonArray keys(List<KeyRing.Entry> entries) {
        JsonArray items = new JsonArray();
        for (KeyRing.Entry e : entries) {
            items.add(key(e.key()).put("status", e.status().name().toLowerCase(Locale.ROOT))
                    .put("retires_at", e.retiresAt().map(Object::toString).orElse(null)));
        }
        return items;
    }

    /** Successors made by a rotation: they sign after {@code keys.publish-lead}. */
    JsonObject next(List<SigningKey> keys) {
        JsonArray items = new JsonArray();
        keys.forEach(k -> items.add(key(k).put("status", "next")));
        return items(items);
    }

    private static JsonObject key(SigningKey k) {
        return new JsonObject().put("kid", k.kid()).put("alg", k.alg().name())
                .put("created_at", k.createdAt().toString()).put("activates_at", k.activatesAt().toString());
    }

    static JsonObject items(JsonArray items) {
        return new JsonObject().put("items", items);
    }

    private static JsonArray scopes(ScopeSet scopes) {
        return new JsonArray(scopes.asSet().stream().map(Scope::value).toList());
    }

    private static @Nullable Instant latest(@Nullable Instant a, @Nullable Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
