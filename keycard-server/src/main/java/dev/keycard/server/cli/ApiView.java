package dev.keycard.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;

/** How an API (resource server) looks in table output. */
final class ApiView {

    private ApiView() {
    }

    /** One row per API: IDENTIFIER NAME SCOPES ALG LIFETIME ENABLED. */
    static void list(PrintWriter out, JsonObject answer) {
        Table table = Table.withHeaders("IDENTIFIER", "NAME", "SCOPES", "ALG", "LIFETIME", "ENABLED");
        for (Object item : answer.getJsonArray("items", new JsonArray())) {
            if (item instanceof JsonObject api) {
                table.row(api.getValue("identifier"), api.getValue("name"), Table.join(api.getValue("scopes"), ","),
                        api.getValue("signing_alg"), lifetime(api), Table.yesNo(api.getValue("enabled")));
            }
        }
        table.print(out);
    }

    /** One API, a field per line. */
    static void show(PrintWriter out, JsonObject api) {
        Table.fields()
                .row("identifier:", api.getValue("identifier"))
                .row("name:", api.getValue("name"))
                .row("scopes:", Table.join(api.getValue("scopes"), " "))
                .row("token_lifetime:", lifetime(api))
                .row("signing_alg:", api.getValue("signing_alg"))
                .row("token_type:", api.getValue("token_type"))
                .row("enabled:", Table.yesNo(api.getValue("enabled")))
                .row("built_in:", Table.yesNo(api.getValue("built_in")))
                .row("created_at:", api.getValue("created_at"))
                .row("updated_at:", api.getValue("updated_at"))
                .print(out);
    }

    private static String lifetime(JsonObject api) {
        return api.getValue("token_lifetime") instanceof Number seconds ? seconds + "s" : "-";
    }
}
