package dev.keycard.server.cli;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keycard token}: gets an access token for any client with the client credentials grant,
 * RFC 6749 §4.4, and prints only the token, so that {@code $(keycard token …)} can be a bearer.
 */
@Command(name = "token",
        description = "Get an access token for a client and print it (the whole token response with --output json).")
public final class TokenCommand implements Callable<Integer> {

    static final String ENV_ID = "KEYCARD_CLIENT_ID";
    static final String ENV_SECRET = "KEYCARD_CLIENT_SECRET";

    @Spec
    private @Nullable CommandSpec spec;

    @Mixin
    private ServerOptions server = new ServerOptions();

    @Option(names = "--client-id", paramLabel = "ID", description = "The client's id (env " + ENV_ID + ").")
    private @Nullable String clientId;

    @Option(names = "--client-secret", paramLabel = "SECRET",
            description = "The client's secret (env " + ENV_SECRET + "; prefer it: a flag shows in the process list).")
    private @Nullable String clientSecret;

    @Option(names = "--resource", paramLabel = "URI",
            description = "The API the token is for (RFC 8707); else the client's default API.")
    private @Nullable String resource;

    @Option(names = "--scope", paramLabel = "SCOPES", description = "Space-separated scopes, e.g. \"jobs:read jobs:write\".")
    private @Nullable String scope;

    @Override
    public Integer call() {
        String id = ClientCredentials.firstPresent(clientId, System.getenv(ENV_ID));
        String secret = ClientCredentials.firstPresent(clientSecret, System.getenv(ENV_SECRET));
        if (id == null || secret == null) {
            throw new CliException(ExitCodes.USAGE, "error: give --client-id and --client-secret, or set "
                    + ENV_ID + " and " + ENV_SECRET);
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (resource != null) {
            params.put("resource", resource);
        }
        if (scope != null) {
            params.put("scope", scope);
        }
        JsonObject token;
        try (HttpClient http = server.client()) {
            token = TokenEndpoint.request(http, server.baseUrl(), new ClientCredentials(id, secret), params);
        }
        if (server.json()) {
            Output.out(spec).println(token.encodePrettily());
        } else {
            Output.out(spec).println(token.getString("access_token"));
        }
        return ExitCodes.OK;
    }
}
