package dev.keycard.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keycard api …}: the APIs (resource servers, RFC 8707) that tokens are issued for. */
@Command(name = "api", description = "Manage APIs (resource servers); an API's identifier is the aud of its tokens.")
public final class ApiCommand implements Callable<Integer> {

    private static final String ALGS = "RS256 (default), ES256, PS256 or EdDSA";
    private static final String TYPES = "The tokens' JOSE typ: at+jwt (default, RFC 9068) or JWT, for resource "
            + "servers that accept nothing else (plain Spring Boot); JWT gives up RFC 9068's check against token confusion.";

    @Spec
    private @Nullable CommandSpec spec;

    @Override
    public Integer call() {
        throw Output.missingSubcommand(spec);
    }

    @Command(name = "create", description = "Register an API.")
    int create(@Mixin AdminOptions admin,
            @Option(names = "--identifier", required = true, paramLabel = "URI",
                    description = "Absolute URI without a fragment; cannot change later.") String identifier,
            @Option(names = "--name", required = true, paramLabel = "NAME") String name,
            @Option(names = "--scope", paramLabel = "SCOPE", description = "A scope the API defines; repeat for more.")
                    @Nullable List<String> scopes,
            @Option(names = "--token-lifetime", paramLabel = "SECONDS", description = "Default 900.")
                    @Nullable Integer tokenLifetime,
            @Option(names = "--signing-alg", paramLabel = "ALG", description = ALGS) @Nullable String signingAlg,
            @Option(names = "--token-type", paramLabel = "TYP", description = TYPES) @Nullable String tokenType) {
        JsonObject body = new JsonObject()
                .put("identifier", identifier)
                .put("name", name)
                .put("scopes", new JsonArray(scopes == null ? List.of() : scopes));
        putIfGiven(body, "token_lifetime", tokenLifetime);
        putIfGiven(body, "signing_alg", signingAlg);
        putIfGiven(body, "token_type", tokenType);
        try (AdminHttp http = admin.connect()) {
            print(admin, http.post(AdminHttp.path("apis"), body));
        }
        return ExitCodes.OK;
    }

    @Command(name = "list", description = "List the APIs.")
    int list(@Mixin AdminOptions admin, @Mixin ListOptions list) {
        try (AdminHttp http = admin.connect()) {
            Output.print(spec, admin.json(), list.read(http, AdminHttp.path("apis"), Map.of(), Output.err(spec)),
                    ApiView::list);
        }
        return ExitCodes.OK;
    }

    @Command(name = "show", description = "Show one API.")
    int show(@Mixin AdminOptions admin, @Parameters(paramLabel = "IDENTIFIER") String identifier) {
        try (AdminHttp http = admin.connect()) {
            print(admin, http.get(AdminHttp.path("apis", identifier)));
        }
        return ExitCodes.OK;
    }

    @Command(name = "update", description = "Change an API; only the options given change.")
    int update(@Mixin AdminOptions admin, @Parameters(paramLabel = "IDENTIFIER") String identifier,
            @Option(names = "--name", paramLabel = "NAME") @Nullable String name,
            @Option(names = "--scope", paramLabel = "SCOPE",
                    description = "Replaces the whole list of scopes; repeat for more. "
                            + "Removing a scope removes it from every grant.") @Nullable List<String> scopes,
            @Option(names = "--token-lifetime", paramLabel = "SECONDS") @Nullable Integer tokenLifetime,
            @Option(names = "--signing-alg", paramLabel = "ALG", description = ALGS) @Nullable String signingAlg,
            @Option(names = "--token-type", paramLabel = "TYP", description = TYPES) @Nullable String tokenType,
            @Option(names = "--enable", description = "Issue tokens for this API again.") boolean enable,
            @Option(names = "--disable", description = "Stop issuing tokens for this API.") boolean disable) {
        if (enable && disable) {
            throw new CliException(ExitCodes.USAGE, "error: give --enable or --disable, not both");
        }
        JsonObject body = new JsonObject();
        putIfGiven(body, "name", name);
        putIfGiven(body, "scopes", scopes == null ? null : new JsonArray(scopes));
        putIfGiven(body, "token_lifetime", tokenLifetime);
        putIfGiven(body, "signing_alg", signingAlg);
        putIfGiven(body, "token_type", tokenType);
        if (enable || disable) {
            body.put("enabled", enable);
        }
        if (body.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "error: nothing to update: give at least one of --name, "
                    + "--scope, --token-lifetime, --signing-alg, --token-type, --enable, --disable");
        }
        try (AdminHttp http = admin.connect()) {
            print(admin, http.patch(AdminHttp.path("apis", identifier), body));
        }
        return ExitCodes.OK;
    }

    @Command(name = "delete", description = "Delete an API and every grant of it.")
    int delete(@Mixin AdminOptions admin, @Parameters(paramLabel = "IDENTIFIER") String identifier) {
        try (AdminHttp http = admin.connect()) {
            http.delete(AdminHttp.path("apis", identifier));
        }
        if (!admin.json()) {
            Output.out(spec).println("deleted API " + Table.clean(identifier));
        }
        return ExitCodes.OK;
    }

    private void print(AdminOptions admin, JsonObject api) {
        Output.print(spec, admin.json(), api, ApiView::show);
    }

    private static void putIfGiven(JsonObject body, String key, @Nullable Object value) {
        if (value != null) {
            body.put(key, value);
        }
    }
}
