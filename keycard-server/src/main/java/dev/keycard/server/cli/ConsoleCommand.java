package dev.keycard.server.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code keycard console}: a one-time sign-in link to the web console, made with the admin
 * credentials this command holds, so that no secret ever reaches the browser.
 */
@Command(name = "console", description = "Print a one-time sign-in link to the web console (valid 60 seconds; needs console.enabled=true on the server).")
public final class ConsoleCommand implements Callable<Integer> {

    @Spec
    private @Nullable CommandSpec spec;
    @Mixin
    private AdminOptions admin = new AdminOptions();

    @Override
    public Integer call() {
        JsonObject link;
        try (AdminHttp http = admin.connect()) {
            link = http.post(AdminHttp.path("console", "sign-in-links"), new JsonObject());
        }
        if (admin.json()) {
            Output.out(spec).println(link.encode());
        } else {
            Output.out(spec).println(link.getString("url"));
            Output.err(spec).println("Open this link within 60 seconds (until " + Table.clean(link.getString("expires_at"))
                    + "); it signs in once.");
        }
        return ExitCodes.OK;
    }
}
