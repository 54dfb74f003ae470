package dev.keycard.server.admin;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import dev.keycard.server.registry.TrustSource;
import dev.keycard.server.store.ChangeLog.Change;
import dev.keycard.server.store.Database;
import dev.keycard.server.store.TrustSourceRepository;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Admin use cases for the trust sources of workload identity federation: typed commands in,
 * domain values out. Blocking: called off the event loop.
 */
public final class TrustAdmin {

    private final Database db;
    private final TrustSourceRepository trustSources;
    private final Clock clock;
    private final RegistryRefresh registry;
    private final boolean allowHttp;

    /** @param allowHttp {@code client-assertion.allow-http-jwks-uri}: an issuer or jwks_uri may be http */
    TrustAdmin(Database db, TrustSourceRepository trustSources, Clock clock, RegistryRefresh registry,
               boolean allowHttp) {
        this.db = db;
        this.trustSources = trustSources;
        this.clock = clock;
        this.registry = registry;
        this.allowHttp = allowHttp;
    }

    public List<TrustSource> list() {
        return db.transaction(trustSources::findAll);
    }

    public TrustSource get(String name) {
        return db.transaction(c -> trustSources.find(c, name))
                .orElseThrow(() -> AdminProblem.notFound("no trust source named " + name));
    }

    /**
     * Registers a trust source, the preset filling what the command leaves empty.
     *
     * @throws AdminProblem 409 when the name or the issuer is registered already
     */
    public TrustSource create(CreateTrustSource command) {
        TrustSource source = resolve(command);
        db.transaction(c -> {
            if (trustSources.find(c, source.name()).isPresent()) {
                throw AdminProblem.conflict("a trust source named " + source.name() + " exists");
            }
            Optional<TrustSource> same = trustSources.findByIssuer(c, source.issuer());
            if (same.isPresent()) {
                throw AdminProblem.conflict("trust source " + same.get().name() + " has the issuer " + source.issuer());
            }
            if (!trustSources.insert(c, source)) {
                throw AdminProblem.conflict("a trust source named " + source.name() + " or with the issuer "
                        + source.issuer() + " was registered meanwhile");
            }
            registry.record(c, Change.trustSource(source.name()));
            return null;
        });
        registry.committed(Change.trustSource(source.name()));
        return source;
    }

    /** @throws AdminProblem 409 while clients have identities of it */
    public void delete(String name) {
        db.transaction(c -> {
            if (trustSources.find(c, name).isEmpty()) {
                throw AdminProblem.notFound("no trust source named " + name);
            }
            int identities = trustSources.identities(c, name);
            if (identities > 0) {
                throw AdminProblem.conflict(identities + " federated " + (identities == 1 ? "identity names" : "identities name")
                        + " trust source " + name + ": remove them from their clients first");
            }
            trustSources.delete(c, name);
            registry.record(c, Change.trustSource(name));
            return null;
        });
        registry.committed(Change.trustSource(name));
    }

    private TrustSource resolve(CreateTrustSource command) {
        TrustSource.Kind kind = command.kind();
        String issuer;
        if (kind == TrustSource.Kind.SPIFFE) {
            issuer = command.issuer().flatMap(TrustRules::spiffeIssuer).orElseThrow(() -> AdminProblem.invalid(
                    "trust_domain", "must be a SPIFFE trust domain (lowercase letters, digits, '.', '-', '_')"));
            if (command.jwksUri().isEmpty() && command.jwks().isEmpty()) {
                throw AdminProblem.invalid("jwks_uri", "a SPIFFE trust source needs its bundle endpoint (jwks_uri)"
                        + " or its bundle (jwks)");
            }
        } else {
            issuer = command.issuer().orElse(kind == TrustSource.Kind.GITHUB_ACTIONS ? TrustRules.GITHUB_ISSUER : null);
            if (issuer == null) {
                throw AdminProblem.invalid("issuer", "is required: the exact iss of the tokens");
            }
            boolean discovered = command.jwks().isEmpty() && command.jwksUri().isEmpty();
            issuerProblem(issuer, discovered).ifPresent(p -> { throw AdminProblem.invalid("issuer", p); });
        }
        if (command.jwksUri().isPresent() && command.jwks().isPresent()) {
            throw AdminProblem.invalid("jwks", "jwks and jwks_uri are alternatives");
        }
        TrustSource.Keys keys;
        if (command.jwks().isPresent()) {
            jwksProblem(command.jwks().get(), kind).ifPresent(p -> { throw AdminProblem.invalid("jwks", p); });
            keys = TrustSource.Keys.inline(command.jwks().get());
        } else if (command.jwksUri().isPresent()) {
            ClientKeyRules.jwksUriProblem(command.jwksUri().get().toString(), allowHttp)
                    .ifPresent(p -> { throw AdminProblem.invalid("jwks_uri", p); });
            keys = TrustSource.Keys.at(command.jwksUri().get());
        } else {
            keys = TrustSource.Keys.discovered();
        }
        Duration lifetime = command.maxTokenLifetime().orElse(TrustRules.defaultLifetime(kind));
        String name = command.name().orElse(kind == TrustSource.Kind.SPIFFE
                ? issuer.substring("spiffe://".length()) : kind.wire());
        if (!TrustRules.NAME.matcher(name).matches()) {
            throw AdminProblem.invalid("name", TrustRules.NAME_RULE);
        }
        return new TrustSource(name, kind, issuer, keys, command.audience(), lifetime, clock.instant());
    }

    /**
     * An issuer whose keys are discovered is an https URL (http where development allows) without
     * query or fragment; one whose keys are given is compared as a string only (a cluster's
     * issuer need not be reachable), of printable ASCII without spaces.
     */
    private Optional<String> issuerProblem(String issuer, boolean discovered) {
        if (!discovered) {
            return issuer.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f) ? Optional.empty()
                    : Optional.of("must be printable ASCII without spaces");
        }
        Optional<String> asUrl = ClientKeyRules.jwksUriProblem(issuer, allowHttp);
        if (asUrl.isPresent()) {
            return asUrl;
        }
        return URI.create(issuer).getRawQuery() != null ? Optional.of("must have no query") : Optional.empty();
    }

    /**
     * An inline JWK Set of public keys; a SPIFFE bundle may also hold keys for X.509-SVIDs
     * ({@code use} {@code x509-svid}), which are not used here.
     */
    private static Optional<String> jwksProblem(String json, TrustSource.Kind kind) {
        if (kind != TrustSource.Kind.SPIFFE) {
            return ClientKeyRules.jwksProblem(json);
        }
        if (json.length() > ClientKeyRules.MAX_JWKS_CHARS * 4) {
            return Optional.of("is larger than " + ClientKeyRules.MAX_JWKS_CHARS * 4 + " characters");
        }
        try {
            List<JWK> keys = JWKSet.parse(json).getKeys();
            if (keys.isEmpty()) {
                return Optional.of("holds no key");
            }
            for (JWK key : keys) {
                if (KeyType.OCT.equals(key.getKeyType()) || key.isPrivate()) {
                    return Optional.of("holds a private or symmetric key: a bundle holds public keys only");
                }
            }
            return Optional.empty();
        } catch (ParseException e) {
            return Optional.of("is not a JWK Set (RFC 7517 §5)");
        }
    }
}
