package dev.keycard.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keycard grant …}: which scopes of which API a client may ask for. */
@Command(name = "grant", description = "Give a client scopes of an API, or take them away.")
public final class GrantCommand implements Callable<Integer> {

    @Spec
    private @Nullable CommandSpec spec;

    @Override
    public Integer call() {
        throw Output.missingSubcommand(spec);
    }

    @Command(name = "add", description = "Set the scopes a client has for an API (replaces an existing grant).")
    int add(@Mixin AdminOptions admin,
            @Parameters(index = "0", paramLabel = "CLIENT_ID") String clientId,
            @Parameters(index = "1", paramLabel = "API") String api,
            @Option(names = "--scope", required = true, paramLabel = "SCOPE",
                    description = "A scope the API defines; repeat for more.") List<String> scopes) {
        JsonObject body = new JsonObject().put("scopes", new JsonArray(scopes));
        try (AdminHttp http = admin.connect()) {
            JsonObject client = http.put(AdminHttp.path("clients", clientId, "grants", api), body);
            Output.print(spec, admin.json(), client, ClientView::show);
        }
        return ExitCodes.OK;
    }

    @Command(name = "remove", description = "Take away a client's grant for an API.")
    int remove(@Mixin AdminOptions admin,
            @Parameters(index = "0", paramLabel = "CLIENT_ID") String clientId,
            @Parameters(index = "1", paramLabel = "API") String api) {
        try (AdminHttp http = admin.connect()) {
            http.delete(AdminHttp.path("clients", clientId, "grants", api));
        }
        if (!admin.json()) {
            Output.out(spec).println("removed grant of " + Table.clean(api) + " from client " + Table.clean(clientId));
        }
        return ExitCodes.OK;
    }
}
