package dev.keycard.server.http;

import dev.keycard.protocol.ClientAuthMethod;
import dev.keycard.protocol.GrantType;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.admin.AddIdentity;
import dev.keycard.server.admin.ClientAdmin;
import dev.keycard.server.admin.CreateTrustSource;
import dev.keycard.server.admin.TrustRules;
import dev.keycard.server.admin.CreateApi;
import dev.keycard.server.admin.ClientKeyRules;
import dev.keycard.server.admin.CreateClient;
import dev.keycard.server.admin.Patch;
import dev.keycard.server.admin.RotateSecret;
import dev.keycard.server.admin.UpdateApi;
import dev.keycard.server.admin.UpdateClient;
import dev.keycard.server.api.AccessTokenType;
import dev.keycard.server.api.ResourceIdentifiers;
import dev.keycard.server.api.SigningAlg;
import dev.keycard.server.config.ClientIdRules;
import dev.keycard.server.config.RateLimit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import dev.keycard.server.registry.ClientKeys;
import dev.keycard.server.registry.TlsClientAuth;
import dev.keycard.server.registry.TrustSource;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads admin request bodies into the use cases' commands: every member's type and syntax
 * checked, every fault named in one answer (a validation problem), unknown members refused. What
 * needs the registry (an API that exists, scopes it defines) the use cases check.
 */
final class AdminRequests {

    private static final Set<String> CREATE_API = Set.of("identifier", "name", "scopes", "token_lifetime", "signing_alg",
            "token_type");
    private static final Set<String> UPDATE_API = Set.of("name", "scopes", "token_lifetime", "signing_alg", "enabled",
            "token_type");
    private static final Set<String> CREATE_CLIENT = Set.of("client_id", "name", "auth_methods", "grant_types",
            "default_api", "grants", "token_rate_limit", "jwks", "jwks_uri", "token_endpoint_auth_signing_alg",
            "dpop_bound_access_tokens", "tls_client_auth_subject_dn", "tls_client_auth_san_dns", "tls_client_auth_san_uri",
            "tls_client_auth_san_ip", "tls_client_auth_san_email", "tls_client_certificate_bound_access_tokens");
    private static final Set<String> UPDATE_CLIENT = Set.of("name", "auth_methods", "grant_types", "default_api",
            "enabled", "token_rate_limit", "jwks", "jwks_uri", "token_endpoint_auth_signing_alg",
            "dpop_bound_access_tokens", "tls_client_auth_subject_dn", "tls_client_auth_san_dns", "tls_client_auth_san_uri",
            "tls_client_auth_san_ip", "tls_client_auth_san_email", "tls_client_certificate_bound_access_tokens");

    private final Duration maxLifetime;
    private final boolean allowHttpJwksUri;

    /**
     * @param maxLifetime {@code token.max-lifetime}: no API's tokens may live longer
     * @param allowHttpJwksUri {@code client-assertion.allow-http-jwks-uri}: a client's jwks_uri may be http
     */
    AdminRequests(Duration maxLifetime, boolean allowHttpJwksUri) {
        this.maxLifetime = maxLifetime;
        this.allowHttpJwksUri = allowHttpJwksUri;
    }

    CreateApi createApi(JsonObject body) {
        AdminFields f = fields(body, CREATE_API);
        Optional<String> identifier = f.text("identifier", true, 2048);
        identifier.filter(id -> !ResourceIdentifiers.isValid(id))
                .ifPresent(id -> f.error("identifier", "must be an absolute URI without a fragment (RFC 8707)"));
        Optional<String> name = f.text("name", true, 200);
        ScopeSet scopes = f.scopes("scopes").orElse(ScopeSet.empty());
        Optional<Duration> lifetime = lifetime(f);
        Optional<SigningAlg> alg = alg(f);
        Optional<AccessTokenType> type = tokenType(f);
        f.check();
        return new CreateApi(identifier.orElseThrow(), name.orElseThrow(), scopes, lifetime, alg, type);
    }

    UpdateApi updateApi(JsonObject body) {
        AdminFields f = fields(body, UPDATE_API);
        UpdateApi command = new UpdateApi(f.text("name", false, 200), f.scopes("scopes"), lifetime(f), alg(f),
                f.bool("enabled"), tokenType(f));
        f.check();
        return command;
    }

    CreateClient createClient(JsonObject body) {
        AdminFields f = fields(body, CREATE_CLIENT);
        Optional<String> id = f.text("client_id", false, 128);
        id.filter(v -> !ClientIdRules.isValid(v)).ifPresent(v -> f.error("client_id", ClientIdRules.RULE));
        Optional<String> name = f.text("name", true, 200);
        Patch<String> jwks = jwks(f);
        Patch<URI> jwksUri = jwksUri(f);
        Patch<String> alg = signingAlg(f);
        boolean both = bothKeys(f, jwks, jwksUri);
        CreateClient command = new CreateClient(id, name.orElse(""), methods(f), grantTypes(f),
                f.text("default_api", false, 2048), grants(f), rateLimit(f),
                both ? ClientKeys.NONE : new ClientKeys(jwks.value(), jwksUri.value(), alg.value()),
                f.bool("dpop_bound_access_tokens").orElse(false), tlsAuth(f).value(),
                f.bool("tls_client_certificate_bound_access_tokens").orElse(false));
        f.check();
        return command;
    }

    UpdateClient updateClient(JsonObject body) {
        AdminFields f = fields(body, UPDATE_CLIENT);
        Optional<String> name = f.text("name", false, 200);
        Optional<Set<ClientAuthMethod>> methods = methods(f);
        Optional<Set<GrantType>> grantTypes = grantTypes(f);
        Patch<String> defaultApi = f.isNull("default_api") ? Patch.clear()
                : f.text("default_api", false, 2048).map(Patch::set).orElse(Patch.keep());
        Optional<Boolean> enabled = f.bool("enabled");
        Patch<RateLimit> rate = f.isNull("token_rate_limit") ? Patch.clear()
                : rateLimit(f).map(Patch::set).orElse(Patch.keep());
        Patch<String> jwks = jwks(f);
        Patch<URI> jwksUri = jwksUri(f);
        bothKeys(f, jwks, jwksUri);
        Patch<String> alg = signingAlg(f);
        Optional<Boolean> dpopBound = f.bool("dpop_bound_access_tokens");
        Patch<TlsClientAuth> tlsAuth = tlsAuth(f);
        Optional<Boolean> certificateBound = f.bool("tls_client_certificate_bound_access_tokens");
        f.check();
        return new UpdateClient(name, methods, grantTypes, defaultApi, enabled, rate, jwks, jwksUri, alg, dpopBound,
                tlsAuth, certificateBound);
    }

    RotateSecret rotateSecret(JsonObject body) {
        AdminFields f = fields(body, Set.of("grace_period"));
        Optional<Duration> grace = f.number("grace_period", 0, Duration.ofDays(90).toSeconds()).map(Duration::ofSeconds);
        f.check();
        return new RotateSecret(grace);
    }

    ScopeSet grant(JsonObject body) {
        AdminFields f = fields(body, Set.of("scopes"));
        Optional<ScopeSet> scopes = f.scopes("scopes");
        if (scopes.isEmpty() && (!f.has("scopes") || f.isNull("scopes"))) {
            f.error("scopes", "is required");
        }
        f.check();
        return scopes.orElseThrow();
    }

    /** Body: {@code {"alg": "ES256"}} for one algorithm, or nothing for every algorithm in use. */
    Optional<SigningAlg> rotateKeys(JsonObject body) {
        AdminFields f = fields(body, Set.of("alg"));
        Optional<String> name = f.text("alg", false, 16);
        Optional<SigningAlg> alg = name.flatMap(SigningAlg::named);
        if (name.isPresent() && alg.isEmpty()) {
            f.error("alg", "must be one of RS256, ES256, PS256, EdDSA");
        }
        f.check();
        return alg;
    }

    /** A body that must say nothing: none, or {@code {}}. */
    void nothing(JsonObject body) {
        fields(body, Set.of()).check();
    }

    private static AdminFields fields(JsonObject body, Set<String> known) {
        AdminFields f = new AdminFields(body);
        f.rejectUnknown(known);
        return f;
    }

    private Optional<Duration> lifetime(AdminFields f) {
        return f.number("token_lifetime", 1, maxLifetime.toSeconds()).map(Duration::ofSeconds);
    }

    private static Optional<SigningAlg> alg(AdminFields f) {
        Optional<String> name = f.text("signing_alg", false, 16);
        Optional<SigningAlg> alg = name.flatMap(SigningAlg::named);
        if (name.isPresent() && alg.isEmpty()) {
            f.error("signing_alg", "must be one of " + Arrays.toString(SigningAlg.values()));
        }
        return alg;
    }

    /** {@code at+jwt} (RFC 9068) or {@code JWT}, for resource servers that accept nothing else. */
    private static Optional<AccessTokenType> tokenType(AdminFields f) {
        Optional<String> name = f.text("token_type", false, 16);
        Optional<AccessTokenType> type = name.flatMap(AccessTokenType::named);
        if (name.isPresent() && type.isEmpty()) {
            f.error("token_type", "must be at+jwt or JWT");
        }
        return type;
    }

    private static final Set<String> CREATE_TRUST = Set.of("name", "kind", "issuer", "trust_domain", "jwks_uri", "jwks",
            "audience", "max_token_lifetime");
    private static final Set<String> ADD_IDENTITY = Set.of("trust_source", "subject", "claims", "force");

    CreateTrustSource createTrustSource(JsonObject body) {
        AdminFields f = fields(body, CREATE_TRUST);
        Optional<String> kindName = f.text("kind", true, 32);
        Optional<TrustSource.Kind> kind = kindName.flatMap(TrustSource.Kind::fromWire);
        if (kindName.isPresent() && kind.isEmpty()) {
            f.error("kind", "must be one of kubernetes, github-actions, spiffe, oidc");
        }
        Optional<String> name = f.text("name", false, 64);
        name.filter(n -> !TrustRules.NAME.matcher(n).matches()).ifPresent(n -> f.error("name", TrustRules.NAME_RULE));
        Optional<String> issuer = f.text("issuer", false, 2048);
        Optional<String> trustDomain = f.text("trust_domain", false, 255);
        boolean spiffe = kind.filter(k -> k == TrustSource.Kind.SPIFFE).isPresent();
        if (spiffe && issuer.isPresent()) {
            f.error("issuer", "a SPIFFE trust source names its trust_domain instead");
        }
        if (!spiffe && trustDomain.isPresent()) {
            f.error("trust_domain", "only a SPIFFE trust source has one");
        }
        Optional<String> jwks = f.object("jwks").map(JsonObject::encode); // checked for the kind by the use case
        Optional<String> jwksUri = f.text("jwks_uri", false, 2048);
        Optional<URI> uri = Optional.empty();
        if (jwksUri.isPresent()) {
            try {
                uri = Optional.of(new URI(jwksUri.get()));
            } catch (java.net.URISyntaxException e) {
                f.error("jwks_uri", "is not a URL");
            }
        }
        Optional<String> audience = f.text("audience", false, 2048);
        Optional<Duration> lifetime = f.number("max_token_lifetime", 60, TrustRules.MAX_LIFETIME.toSeconds())
                .map(Duration::ofSeconds);
        f.check();
        return new CreateTrustSource(name, kind.orElseThrow(), spiffe ? trustDomain : issuer, uri, jwks,
                audience, lifetime);
    }

    AddIdentity addIdentity(JsonObject body) {
        AdminFields f = fields(body, ADD_IDENTITY);
        Optional<String> source = f.text("trust_source", true, 64);
        Optional<String> subject = f.text("subject", true, 1024);
        Map<String, String> claims = new LinkedHashMap<>();
        f.object("claims").ifPresent(o -> {
            if (o.size() > TrustRules.MAX_CLAIMS) {
                f.error("claims", "holds more than " + TrustRules.MAX_CLAIMS + " conditions");
            }
            o.forEach(e -> {
                if (!(e.getValue() instanceof String v) || v.isEmpty() || v.length() > 1024 || e.getKey().isEmpty()
                        || e.getKey().length() > 128) {
                    f.error("claims", "each condition is a claim name and the string it must equal");
                } else if (Set.of("iss", "sub", "aud", "exp", "iat", "nbf", "jti").contains(e.getKey())) {
                    f.error("claims", "'" + e.getKey() + "' is checked by Keycard itself");
                } else {
                    claims.put(e.getKey(), v);
                }
            });
        });
        boolean force = f.bool("force").orElse(false);
        f.check();
        return new AddIdentity(source.orElseThrow(), subject.orElseThrow(), claims, force);
    }

    private static Optional<Set<ClientAuthMethod>> methods(AdminFields f) {
        Optional<List<String>> names = f.strings("auth_methods");
        if (names.isEmpty()) {
            return Optional.empty();
        }
        Set<ClientAuthMethod> out = new LinkedHashSet<>();
        for (String n : names.get()) {
            ClientAuthMethod m = new ClientAuthMethod(n.isEmpty() ? "?" : n);
            if (!ClientAdmin.ALL_METHODS.contains(m)) {
                f.error("auth_methods", "'" + n + "' is not one of client_secret_basic, client_secret_post,"
                        + " private_key_jwt, tls_client_auth, self_signed_tls_client_auth");
                return Optional.empty();
            }
            out.add(m);
        }
        // None: a client that authenticates only as a federated workload (its identities), with no
        // secret and no keys.
        return Optional.of(out);
    }

    /**
     * The certificate attribute of a {@code tls_client_auth} client (RFC 8705 §2.1.2): at most one
     * of the five fields, its value checked; {@code null} clears it.
     */
    private static Patch<TlsClientAuth> tlsAuth(AdminFields f) {
        Patch<TlsClientAuth> out = Patch.keep();
        List<String> given = new java.util.ArrayList<>();
        for (TlsClientAuth.Attribute a : TlsClientAuth.Attribute.values()) {
            String field = a.metadata();
            if (f.isNull(field)) {
                given.add(field);
                out = Patch.clear();
                continue;
            }
            Optional<String> value = f.text(field, false, 2048);
            if (value.isPresent()) {
                given.add(field);
                ClientKeyRules.tlsValueProblem(a, value.get()).ifPresent(p -> f.error(field, p));
                out = Patch.set(new TlsClientAuth(a, value.get()));
            }
        }
        if (given.size() > 1) {
            f.error(given.get(1), "a client is known by one certificate attribute; also given: " + given.get(0));
        }
        return out;
    }

    /** The grants the client may use; empty is allowed (a client that only calls other endpoints). */
    private static Optional<Set<GrantType>> grantTypes(AdminFields f) {
        Optional<List<String>> names = f.strings("grant_types");
        if (names.isEmpty()) {
            return Optional.empty();
        }
        Set<GrantType> out = new LinkedHashSet<>();
        for (String n : names.get()) {
            if (!ClientAdmin.GRANT_TYPES.contains(new GrantType(n.isEmpty() ? "?" : n))) {
                f.error("grant_types", "'" + n + "' is not one of "
                        + ClientAdmin.GRANT_TYPES.stream().map(GrantType::value).toList());
                return Optional.empty();
            }
            out.add(new GrantType(n));
        }
        return Optional.of(out);
    }

    private static Map<String, ScopeSet> grants(AdminFields f) {
        Map<String, ScopeSet> out = new LinkedHashMap<>();
        for (Object o : f.array("grants").orElse(new JsonArray())) {
            if (!(o instanceof JsonObject g) || !(g.getValue("api") instanceof String api)
                    || !(g.getValue("scopes") instanceof JsonArray scopes)) {
                f.error("grants", "each grant must be {\"api\": string, \"scopes\": [strings]}");
                return Map.of();
            }
            List<String> names = scopes.stream().map(String::valueOf).toList();
            f.scopeSet("grants", names).ifPresent(s -> out.put(api, s));
        }
        return out;
    }

    /** An inline JWK Set of public keys (RFC 7517 §5), as its JSON; null clears it. */
    private static Patch<String> jwks(AdminFields f) {
        if (f.isNull("jwks")) {
            return Patch.clear();
        }
        return f.object("jwks").map(JsonObject::encode).flatMap(json -> {
            Optional<String> problem = ClientKeyRules.jwksProblem(json);
            problem.ifPresent(p -> f.error("jwks", p));
            return problem.isPresent() ? Optional.<String>empty() : Optional.of(json);
        }).map(Patch::set).orElse(Patch.keep());
    }

    /** The URL of the client's JWK Set; null clears it. */
    private Patch<URI> jwksUri(AdminFields f) {
        if (f.isNull("jwks_uri")) {
            return Patch.clear();
        }
        return f.text("jwks_uri", false, 2048).flatMap(text -> {
            Optional<String> problem = ClientKeyRules.jwksUriProblem(text, allowHttpJwksUri);
            problem.ifPresent(p -> f.error("jwks_uri", p));
            return problem.isPresent() ? Optional.<URI>empty() : Optional.of(URI.create(text));
        }).map(Patch::set).orElse(Patch.keep());
    }

    /** RFC 7591 §2: jwks and jwks_uri "MUST NOT both be present". */
    private static boolean bothKeys(AdminFields f, Patch<String> jwks, Patch<URI> jwksUri) {
        boolean both = jwks.value().isPresent() && jwksUri.value().isPresent();
        if (both) {
            f.error("jwks_uri", "jwks and jwks_uri are alternatives: give one (RFC 7591 §2)");
        }
        return both;
    }

    /** The one algorithm the client's assertions use; null clears it. */
    private static Patch<String> signingAlg(AdminFields f) {
        String field = "token_endpoint_auth_signing_alg";
        if (f.isNull(field)) {
            return Patch.clear();
        }
        return f.text(field, false, 16).flatMap(alg -> {
            Optional<String> problem = ClientKeyRules.algProblem(alg);
            problem.ifPresent(p -> f.error(field, p));
            return problem.isPresent() ? Optional.<String>empty() : Optional.of(alg);
        }).map(Patch::set).orElse(Patch.keep());
    }

    /** {@code "50/s"}, {@code "600/m"}, {@code "1000/h"} or {@code "off"}. */
    private static Optional<RateLimit> rateLimit(AdminFields f) {
        return f.text("token_rate_limit", false, 32).flatMap(text -> {
            try {
                return Optional.of(RateLimit.parse(text));
            } catch (IllegalArgumentException e) {
                f.error("token_rate_limit", e.getMessage());
                return Optional.empty();
            }
        });
    }
}
