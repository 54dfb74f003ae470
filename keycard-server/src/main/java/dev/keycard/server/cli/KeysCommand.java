package dev.keycard.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keycard keys …}: the signing keys, their rotation, and the removal of a compromised one. */
@Command(name = "keys", description = "List, rotate or remove signing keys.")
public final class KeysCommand implements Callable<Integer> {

    @Spec
    private @Nullable CommandSpec spec;

    @Override
    public Integer call() {
        throw Output.missingSubcommand(spec);
    }

    @Command(name = "list", description = "Every signing key: next (published, not signing yet), current, previous, retired.")
    int list(@Mixin AdminOptions admin, @Mixin ListOptions list) {
        try (AdminHttp http = admin.connect()) {
            Output.print(spec, admin.json(), list.read(http, AdminHttp.path("keys"), Map.of(), Output.err(spec)),
                    KeysCommand::table);
        }
        return ExitCodes.OK;
    }

    @Command(name = "rotate", description = "Make a successor key; it is published now and signs after keys.publish-lead.")
    int rotate(@Mixin AdminOptions admin,
               @Option(names = "--alg", paramLabel = "ALG", description = "Only this algorithm (RS256, ES256, PS256, EdDSA); default: every one in use.")
               @Nullable String alg) {
        JsonObject body = new JsonObject();
        if (alg != null) {
            body.put("alg", alg);
        }
        try (AdminHttp http = admin.connect()) {
            Output.print(spec, admin.json(), http.post(AdminHttp.path("keys", "rotate"), body), KeysCommand::table);
        }
        return ExitCodes.OK;
    }

    @Command(name = "remove", description = "Emergency: take a compromised key out of the JWKS at once; a new key signs at once.")
    int remove(@Mixin AdminOptions admin, @Parameters(index = "0", paramLabel = "KID") String kid) {
        try (AdminHttp http = admin.connect()) {
            http.delete(AdminHttp.path("keys", kid));
        }
        if (!admin.json()) {
            Output.out(spec).println("removed signing key " + Table.clean(kid));
        }
        return ExitCodes.OK;
    }

    private static void table(PrintWriter out, JsonObject answer) {
        Table t = Table.withHeaders("KID", "ALG", "STATUS", "SIGNS FROM", "RETIRES AT");
        JsonArray items = answer.getJsonArray("items", new JsonArray());
        for (int i = 0; i < items.size(); i++) {
            JsonObject k = items.getJsonObject(i);
            t.row(k.getString("kid"), k.getString("alg"), k.getString("status"), k.getString("activates_at"),
                    k.getString("retires_at"));
        }
        t.print(out);
    }
}
