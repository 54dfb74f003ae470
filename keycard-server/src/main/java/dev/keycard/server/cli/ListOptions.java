package dev.keycard.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * How much of a list to show. The admin API answers lists a page at a time (at most 1,000
 * items); without options the first 100 are shown and a line on stderr says how to see the rest.
 */
final class ListOptions {

    /** The most the admin API gives in one page. */
    static final int MAX_PAGE = 1_000;

    static final class Amount {
        @Option(names = "--limit", paramLabel = "N", description = "Show at most N (default 100), reading as many"
                + " pages as that takes.")
        @Nullable Integer limit;

        @Option(names = "--all", description = "Show every one, reading every page.")
        boolean all;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    @Nullable Amount amount;

    /**
     * Reads {@code path} with {@code filters} (query parameters, values unencoded), following the
     * {@code next} links as far as the options ask. The answer has every item read in one
     * {@code items} array, and the {@code next} link where it stopped while there is more.
     */
    JsonObject read(AdminHttp http, String path, Map<String, String> filters, PrintWriter err) {
        Integer limit = amount == null ? null : amount.limit;
        boolean all = amount != null && amount.all;
        if (limit != null && limit < 1) {
            throw new CliException(ExitCodes.USAGE, "error: --limit must be at least 1");
        }
        int wanted = all ? Integer.MAX_VALUE : limit == null ? 100 : limit;
        StringBuilder first = new StringBuilder(path).append("?limit=").append(Math.min(wanted, MAX_PAGE));
        filters.forEach((k, v) -> first.append('&').append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        JsonArray items = new JsonArray();
        String next = first.toString();
        while (next != null && items.size() < wanted) {
            JsonObject page = http.get(next);
            JsonArray got = page.getJsonArray("items", new JsonArray());
            for (int i = 0; i < got.size() && items.size() < wanted; i++) {
                items.add(got.getValue(i));
            }
            next = page.getValue("next") instanceof String n ? n : null;
        }
        JsonObject answer = new JsonObject().put("items", items);
        if (next != null) {
            answer.put("next", next);
            if (amount == null) {
                err.println("(the first " + items.size() + " shown; --all for every one, --limit N for more)");
            }
        }
        return answer;
    }
}
