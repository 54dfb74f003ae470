package dev.keycard.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keycard trust …}: the external issuers whose tokens workloads present instead of a
 * secret (workload identity federation), with a preset for each common one.
 */
@Command(name = "trust", description = "List, add or remove trust sources: issuers whose workload tokens authenticate clients.")
public final class TrustCommand implements Callable<Integer> {

    @Spec
    private @Nullable CommandSpec spec;

    @Override
    public Integer call() {
        throw Output.missingSubcommand(spec);
    }

    @Command(name = "list", description = "Every trust source.")
    int list(@Mixin AdminOptions admin, @Mixin ListOptions list) {
        try (AdminHttp http = admin.connect()) {
            Output.print(spec, admin.json(), list.read(http, AdminHttp.path("trust-sources"), Map.of(),
                    Output.err(spec)), TrustCommand::table);
        }
        return ExitCodes.OK;
    }

    @Command(name = "show", description = "One trust source.")
    int show(@Mixin AdminOptions admin, @Parameters(paramLabel = "NAME") String name) {
        try (AdminHttp http = admin.connect()) {
            Output.print(spec, admin.json(), http.get(AdminHttp.path("trust-sources", name)), TrustCommand::show);
        }
        return ExitCodes.OK;
    }

    @Command(name = "add", description = "Trust an issuer's workload tokens. KIND: kubernetes (--issuer, keys by "
            + "discovery or --jwks-file/--jwks-uri), github-actions (nothing more), spiffe (--trust-domain, "
            + "--bundle-endpoint or --bundle-file), oidc (--issuer).")
    int add(@Mixin AdminOptions admin,
            @Parameters(index = "0", paramLabel = "KIND", description = "kubernetes, github-actions, spiffe or oidc")
                    String kind,
            @Option(names = "--name", paramLabel = "NAME", description = "Its name; default: the kind (the trust "
                    + "domain for spiffe).") @Nullable String name,
            @Option(names = "--issuer", paramLabel = "URL", description = "The exact iss of its tokens "
                    + "(github-actions: https://token.actions.githubusercontent.com).") @Nullable String issuer,
            @Option(names = "--jwks-file", paramLabel = "FILE", description = "Its keys as a JWK Set file, e.g. from "
                    + "kubectl get --raw /openid/v1/jwks; default: OIDC discovery from the issuer.") @Nullable Path jwksFile,
            @Option(names = "--jwks-uri", paramLabel = "URL", description = "Where it publishes its JWK Set.")
                    @Nullable String jwksUri,
            @Option(names = "--trust-domain", paramLabel = "DOMAIN", description = "spiffe: the trust domain, e.g. prod.acme.")
                    @Nullable String trustDomain,
            @Option(names = "--bundle-endpoint", paramLabel = "URL", description = "spiffe: the trust domain's bundle "
                    + "endpoint (https_web).") @Nullable String bundleEndpoint,
            @Option(names = "--bundle-file", paramLabel = "FILE", description = "spiffe: the trust domain's bundle as a file.")
                    @Nullable Path bundleFile,
            @Option(names = "--audience", paramLabel = "AUD", description = "The aud its tokens must hold for Keycard; "
                    + "default: Keycard's issuer identifier.") @Nullable String audience,
            @Option(names = "--max-token-lifetime", paramLabel = "SECONDS", description = "How long after its issue "
                    + "a token is accepted, whatever its exp; default: 3600 (github-actions 900, spiffe 1800).") @Nullable Long lifetime) {
        String k = kind.toLowerCase(Locale.ROOT);
        boolean spiffe = k.equals("spiffe");
        if (!spiffe && (trustDomain != null || bundleEndpoint != null || bundleFile != null)) {
            throw new CliException(ExitCodes.USAGE, "error: --trust-domain, --bundle-endpoint and --bundle-file are for spiffe");
        }
        if (spiffe && (issuer != null || jwksFile != null || jwksUri != null)) {
            throw new CliException(ExitCodes.USAGE, "error: a spiffe trust source takes --trust-domain and "
                    + "--bundle-endpoint or --bundle-file");
        }
        if (spiffe && (trustDomain == null || (bundleEndpoint == null && bundleFile == null))) {
            throw new CliException(ExitCodes.USAGE, "error: a spiffe trust source needs --trust-domain and"
                    + " --bundle-endpoint URL (or --bundle-file FILE)");
        }
        if (!spiffe && !k.equals("github-actions") && issuer == null) {
            throw new CliException(ExitCodes.USAGE, "error: a " + Table.clean(k) + " trust source needs --issuer"
                    + " (the exact iss of its tokens)");
        }
        if ((jwksFile != null && jwksUri != null) || (bundleFile != null && bundleEndpoint != null)) {
            throw new CliException(ExitCodes.USAGE, "error: a file of keys and a URL of keys are alternatives: give one");
        }
        JsonObject body = new JsonObject().put("kind", k);
        put(body, "name", name);
        put(body, "issuer", issuer);
        put(body, "trust_domain", trustDomain);
        put(body, "jwks_uri", spiffe ? bundleEndpoint : jwksUri);
        Path file = spiffe ? bundleFile : jwksFile;
        if (file != null) {
            body.put("jwks", KeyOptions.read(file));
        }
        put(body, "audience", audience);
        if (lifetime != null) {
            body.put("max_token_lifetime", lifetime);
        }
        try (AdminHttp http = admin.connect()) {
            Output.print(spec, admin.json(), http.post(AdminHttp.path("trust-sources"), body), TrustCommand::show);
        }
        return ExitCodes.OK;
    }

    @Command(name = "remove", description = "Stop trusting an issuer; refused while clients have identities of it.")
    int remove(@Mixin AdminOptions admin, @Parameters(paramLabel = "NAME") String name) {
        try (AdminHttp http = admin.connect()) {
            http.delete(AdminHttp.path("trust-sources", name));
        }
        if (!admin.json()) {
            Output.out(spec).println("removed trust source " + Table.clean(name));
        }
        return ExitCodes.OK;
    }

    private static void put(JsonObject body, String field, @Nullable String value) {
        if (value != null) {
            body.put(field, value);
        }
    }

    private static void table(PrintWriter out, JsonObject answer) {
        Table t = Table.withHeaders("NAME", "KIND", "ISSUER", "KEYS", "AUDIENCE", "MAX_LIFETIME");
        for (Object item : answer.getJsonArray("items", new JsonArray())) {
            if (item instanceof JsonObject s) {
                t.row(s.getValue("name"), s.getValue("kind"), issuer(s), s.getValue("keys"), s.getValue("audience"),
                        s.getValue("max_token_lifetime") + "s");
            }
        }
        t.print(out);
    }

    private static void show(PrintWriter out, JsonObject s) {
        Table.fields()
                .row("name:", s.getValue("name"))
                .row("kind:", s.getValue("kind"))
                .row(s.getValue("trust_domain") != null ? "trust_domain:" : "issuer:", issuer(s))
                .row("keys:", "jwks_uri".equals(s.getValue("keys")) ? s.getValue("jwks_uri") : s.getValue("keys"))
                .row("audience:", s.getValue("audience"))
                .row("max_token_lifetime:", s.getValue("max_token_lifetime") + "s")
                .row("created_at:", s.getValue("created_at"))
                .print(out);
    }

    private static @Nullable Object issuer(JsonObject s) {
        return s.getValue("trust_domain") != null ? s.getValue("trust_domain") : s.getValue("issuer");
    }
}
