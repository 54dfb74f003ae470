package dev.keycard.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code keycard client …}: the clients that get tokens, their secrets and their grants.
 *
 * <p>{@code client create} names the new client's id {@code --id}: {@code --client-id} is the
 * admin client's, as in every admin command.
 */
@Command(name = "client", description = "Manage clients, their secrets and their grants.")
public final class ClientCommand implements Callable<Integer> {

    @Spec
    private @Nullable CommandSpec spec;

    @Override
    public Integer call() {
        throw Output.missingSubcommand(spec);
    }

    @Command(name = "create", description = "Register a client; prints its secret, this once.")
    int create(@Mixin AdminOptions admin,
            @Option(names = "--name", required = true, paramLabel = "NAME") String name,
            @Option(names = "--id", paramLabel = "CLIENT_ID",
                    description = "The new client's client_id ([A-Za-z0-9._:-], 1-128); generated when absent.")
                    @Nullable String clientId,
            @Option(names = "--grant", paramLabel = "API=SCOPES", converter = GrantConverter.class,
                    description = "A grant, e.g. https://jobs.internal=jobs:read,jobs:write; repeat for more. "
                            + "The API ends at the last '='.") @Nullable List<JsonObject> grants,
            @Option(names = "--default-api", paramLabel = "API",
                    description = "The API a token request without resource is for.") @Nullable String defaultApi,
            @Option(names = "--auth-method", paramLabel = "METHOD",
                    description = "client_secret_basic, client_secret_post, private_key_jwt, tls_client_auth, "
                            + "self_signed_tls_client_auth; repeat for more. Default: tls_client_auth with a --tls-… "
                            + "attribute, private_key_jwt with --jwks-file or --jwks-uri, else the two secret methods.")
                    @Nullable List<String> authMethods,
            @Option(names = "--token-rate-limit", paramLabel = "RATE",
                    description = "Its limit on token requests: N/s, N/m, N/h or off; default: the server's "
                            + "rate-limit.client-tokens.") @Nullable String tokenRateLimit,
            @Option(names = "--no-secret", description = "A client without a secret or keys, for workloads that "
                    + "authenticate with a trust source's token (keycard client add-identity).") boolean noSecret,
            @Option(names = "--dpop-bound", description = "Every token request must carry a DPoP proof, so every "
                    + "token is bound to the client's key (dpop_bound_access_tokens, RFC 9449).") boolean dpopBound,
            @Option(names = "--certificate-bound", description = "A token it gets with its TLS certificate is bound to "
                    + "that certificate (tls_client_certificate_bound_access_tokens, RFC 8705).") boolean certificateBound,
            @Mixin KeyOptions keys, @Mixin TlsAuthOptions tlsAuth) {
        JsonObject body = new JsonObject().put("name", name);
        if (dpopBound) {
            body.put("dpop_bound_access_tokens", true);
        }
        if (certificateBound) {
            body.put("tls_client_certificate_bound_access_tokens", true);
        }
        tlsAuth.addTo(body);
        keys.addTo(body, false);
        if (noSecret && authMethods != null) {
            throw new CliException(ExitCodes.USAGE, "error: --no-secret and --auth-method are alternatives");
        }
        if (noSecret && !body.containsKey("jwks") && !body.containsKey("jwks_uri")) {
            body.put("auth_methods", new JsonArray());
        }
        if (tokenRateLimit != null) {
            body.put("token_rate_limit", tokenRateLimit);
        }
        if (clientId != null) {
            body.put("client_id", clientId);
        }
        if (grants != null) {
            body.put("grants", new JsonArray(grants));
        }
        if (defaultApi != null) {
            body.put("default_api", defaultApi);
        }
        if (authMethods != null) {
            body.put("auth_methods", new JsonArray(authMethods));
        }
        try (AdminHttp http = admin.connect()) {
            Output.print(spec, admin.json(), http.post(AdminHttp.path("clients"), body), ClientView::created);
        }
        return ExitCodes.OK;
    }

    @Command(name = "list", description = "List the clients, in client_id order.")
    int list(@Mixin AdminOptions admin, @Mixin ListOptions list,
             @Option(names = "--name-prefix", paramLabel = "PREFIX", description = "Only clients whose name starts"
                     + " with PREFIX (case-sensitive).") @Nullable String namePrefix,
             @Option(names = "--api", paramLabel = "API", description = "Only clients granted scopes at API.")
                     @Nullable String api,
             @Option(names = "--enabled", arity = "1", paramLabel = "true|false",
                     description = "Only enabled (true) or disabled (false) clients.") @Nullable Boolean enabled) {
        Map<String, String> filters = new LinkedHashMap<>();
        if (namePrefix != null) {
            filters.put("name_prefix", namePrefix);
        }
        if (api != null) {
            filters.put("api", api);
        }
        if (enabled != null) {
            filters.put("enabled", enabled.toString());
        }
        try (AdminHttp http = admin.connect()) {
            Output.print(spec, admin.json(), list.read(http, AdminHttp.path("clients"), filters, Output.err(spec)),
                    ClientView::list);
        }
        return ExitCodes.OK;
    }

    @Command(name = "show", description = "Show one client, its grants and its secrets' metadata.")
    int show(@Mixin AdminOptions admin, @Parameters(paramLabel = "CLIENT_ID") String clientId) {
        return printClient(admin, http -> http.get(AdminHttp.path("clients", clientId)));
    }

    @Command(name = "update", description = "Change a client; only the options given change.")
    int update(@Mixin AdminOptions admin, @Parameters(paramLabel = "CLIENT_ID") String clientId,
            @Option(names = "--name", paramLabel = "NAME") @Nullable String name,
            @Option(names = "--default-api", paramLabel = "API", description = "An empty value clears it.")
                    @Nullable String defaultApi,
            @Option(names = "--auth-method", paramLabel = "METHOD", description = "Replaces the list; repeat for more.")
                    @Nullable List<String> authMethods,
            @Option(names = "--token-rate-limit", paramLabel = "RATE",
                    description = "N/s, N/m, N/h or off; an empty value returns to the server's default.")
                    @Nullable String tokenRateLimit,
            @Option(names = "--dpop-bound", arity = "1", paramLabel = "true|false",
                    description = "Whether every token request must carry a DPoP proof.") @Nullable Boolean dpopBound,
            @Option(names = "--certificate-bound", arity = "1", paramLabel = "true|false",
                    description = "Whether its certificate-authenticated tokens are bound to the certificate.")
                    @Nullable Boolean certificateBound,
            @Mixin KeyOptions keys, @Mixin TlsAuthOptions tlsAuth) {
        JsonObject body = new JsonObject();
        keys.addTo(body, true);
        tlsAuth.addTo(body);
        if (dpopBound != null) {
            body.put("dpop_bound_access_tokens", dpopBound);
        }
        if (certificateBound != null) {
            body.put("tls_client_certificate_bound_access_tokens", certificateBound);
        }
        if (tokenRateLimit != null) {
            body.put("token_rate_limit", tokenRateLimit.isEmpty() ? null : tokenRateLimit);
        }
        if (name != null) {
            body.put("name", name);
        }
        if (defaultApi != null) {
            body.put("default_api", defaultApi.isEmpty() ? null : defaultApi);
        }
        if (authMethods != null) {
            body.put("auth_methods", new JsonArray(authMethods));
        }
        if (body.isEmpty()) {
            throw new CliException(ExitCodes.USAGE,
                    "error: nothing to update: give at least one of --name, --default-api, --auth-method,"
                            + " --token-rate-limit, --dpop-bound, --certificate-bound, --jwks-file, --jwks-uri, --signing-alg,"
                            + " --tls-subject-dn, --tls-san-dns, --tls-san-uri, --tls-san-ip, --tls-san-email");
        }
        return printClient(admin, http -> http.patch(AdminHttp.path("clients", clientId), body));
    }

    @Command(name = "disable", description = "Stop the client getting tokens.")
    int disable(@Mixin AdminOptions admin, @Parameters(paramLabel = "CLIENT_ID") String clientId) {
        return printClient(admin, http -> http.post(AdminHttp.path("clients", clientId, "disable"), new JsonObject()));
    }

    @Command(name = "enable", description = "Let a disabled client get tokens again.")
    int enable(@Mixin AdminOptions admin, @Parameters(paramLabel = "CLIENT_ID") String clientId) {
        return printClient(admin, http -> http.post(AdminHttp.path("clients", clientId, "enable"), new JsonObject()));
    }

    @Command(name = "delete", description = "Delete a client.")
    int delete(@Mixin AdminOptions admin, @Parameters(paramLabel = "CLIENT_ID") String clientId) {
        return delete(admin, "deleted client " + Table.clean(clientId), "clients", clientId);
    }

    @Command(name = "rotate-secret",
            description = "Issue a new secret; the current one expires after the grace period. Prints the new secret, this once.")
    int rotateSecret(@Mixin AdminOptions admin, @Parameters(paramLabel = "CLIENT_ID") String clientId,
            @Option(names = "--grace", paramLabel = "SECONDS",
                    description = "How long the current secret keeps working (server default 86400; 0 ends it now).")
                    @Nullable Long grace) {
        JsonObject body = new JsonObject();
        if (grace != null) {
            body.put("grace_period", grace);
        }
        try (AdminHttp http = admin.connect()) {
            JsonObject answer = http.post(AdminHttp.path("clients", clientId, "secrets", "rotate"), body);
            Output.print(spec, admin.json(), answer, ClientView::rotated);
        }
        return ExitCodes.OK;
    }

    @Command(name = "secrets", description = "List the client's secrets: metadata only, never a secret.")
    int secrets(@Mixin AdminOptions admin, @Parameters(paramLabel = "CLIENT_ID") String clientId) {
        try (AdminHttp http = admin.connect()) {
            Output.print(spec, admin.json(), http.get(AdminHttp.path("clients", clientId, "secrets")), ClientView::secrets);
        }
        return ExitCodes.OK;
    }

    @Command(name = "delete-secret", description = "Delete one secret now, e.g. to make room for a rotation.")
    int deleteSecret(@Mixin AdminOptions admin, @Parameters(index = "0", paramLabel = "CLIENT_ID") String clientId,
            @Parameters(index = "1", paramLabel = "SECRET_ID") String secretId) {
        return delete(admin, "deleted secret " + Table.clean(secretId) + " of client " + Table.clean(clientId),
                "clients", clientId, "secrets", secretId);
    }

    @Command(name = "revoke-tokens",
            description = "Revoke every token issued to the client until now; the client itself keeps working.")
    int revokeTokens(@Mixin AdminOptions admin, @Parameters(paramLabel = "CLIENT_ID") String clientId) {
        try (AdminHttp http = admin.connect()) {
            JsonObject answer = http.post(AdminHttp.path("clients", clientId, "revoke-tokens"), new JsonObject());
            Output.print(spec, admin.json(), answer, ClientView::tokensRevoked);
        }
        return ExitCodes.OK;
    }

    @Command(name = "add-identity", description = "Let a workload authenticate as the client with a trust source's "
            + "token for SUBJECT (workload identity federation).")
    int addIdentity(@Mixin AdminOptions admin, @Parameters(paramLabel = "CLIENT_ID") String clientId,
                    @Option(names = "--trust", required = true, paramLabel = "NAME", description = "The trust source.")
                            String trust,
                    @Option(names = "--subject", required = true, paramLabel = "SUBJECT", description = "The token's "
                            + "exact sub, e.g. system:serviceaccount:payments:batch-worker, "
                            + "repo:acme/jobs:ref:refs/heads/main, spiffe://prod.acme/ns/payments/sa/batch-worker.")
                            String subject,
                    @Option(names = "--claim", paramLabel = "NAME=VALUE", description = "Another claim the token must "
                            + "hold exactly, e.g. repository_id=123456; repeat for more.") @Nullable List<String> claims,
                    @Option(names = "--force", description = "Register a Kubernetes default service account, which "
                            + "is refused otherwise.") boolean force) {
        JsonObject conditions = new JsonObject();
        for (String claim : claims == null ? List.<String>of() : claims) {
            int eq = claim.indexOf('=');
            if (eq <= 0) {
                throw new CliException(ExitCodes.USAGE, "error: --claim takes NAME=VALUE, not '" + Table.clean(claim) + "'");
            }
            conditions.put(claim.substring(0, eq), claim.substring(eq + 1));
        }
        JsonObject body = new JsonObject().put("trust_source", trust).put("subject", subject).put("claims", conditions);
        if (force) {
            body.put("force", true);
        }
        return printClient(admin, http -> http.post(AdminHttp.path("clients", clientId, "federated-identities"), body));
    }

    @Command(name = "remove-identity", description = "Stop a federated identity authenticating as the client.")
    int removeIdentity(@Mixin AdminOptions admin, @Parameters(index = "0", paramLabel = "CLIENT_ID") String clientId,
                       @Parameters(index = "1", paramLabel = "IDENTITY_ID") String identityId) {
        return delete(admin, "removed identity " + Table.clean(identityId) + " of client " + Table.clean(clientId),
                "clients", clientId, "federated-identities", identityId);
    }

    /** Deletes what {@code path} names and, for people, says {@code done}. */
    private int delete(AdminOptions admin, String done, String... path) {
        try (AdminHttp http = admin.connect()) {
            http.delete(AdminHttp.path(path));
        }
        if (!admin.json()) {
            Output.out(spec).println(done);
        }
        return ExitCodes.OK;
    }

    /** Makes one call whose answer is the client, and prints the client. */
    private int printClient(AdminOptions admin, Function<AdminHttp, JsonObject> call) {
        try (AdminHttp http = admin.connect()) {
            Output.print(spec, admin.json(), call.apply(http), ClientView::show);
        }
        return ExitCodes.OK;
    }

    /** {@code API=scope1,scope2} as a grant; the API ends at the last {@code =}, scopes may be none. */
    static final class GrantConverter implements ITypeConverter<JsonObject> {
        @Override
        public JsonObject convert(String value) {
            int eq = value.lastIndexOf('=');
            if (eq <= 0) {
                throw new TypeConversionException("expected API=scope1,scope2, not '" + value + "'");
            }
            List<String> scopes = Arrays.stream(value.substring(eq + 1).split(","))
                    .map(String::strip).filter(s -> !s.isEmpty()).toList();
            return new JsonObject().put("api", value.substring(0, eq)).put("scopes", new JsonArray(scopes));
        }
    }
}
