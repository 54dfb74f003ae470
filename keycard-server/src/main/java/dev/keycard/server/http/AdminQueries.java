package dev.keycard.server.http;

import dev.keycard.server.admin.AdminProblem;
import dev.keycard.server.admin.ClientQuery;
import dev.keycard.server.admin.ListQuery;
import dev.keycard.server.admin.Page;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The query string of the admin API's lists: {@code limit} (1 to 1,000, default 100), the opaque
 * {@code cursor} a page's {@code next} link carries, and a list's filters. Unknown parameters and
 * repeated ones are refused, like unknown members of a body. The cursor is the last key of the
 * previous page, encoded (base64url, with a version prefix) so that clients treat it as opaque
 * and the server may change what it holds.
 */
final class AdminQueries {

    private static final String CURSOR_VERSION = "1:";
    private static final Set<String> PAGING = Set.of("limit", "cursor");
    private static final Set<String> CLIENT_FILTERS = Set.of("limit", "cursor", "name_prefix", "api", "enabled");

    private AdminQueries() {
    }

    /** A list without filters. */
    static ListQuery page(Map<String, List<String>> query) {
        List<AdminProblem.FieldError> errors = new ArrayList<>();
        Map<String, String> q = single(query, PAGING, errors);
        ListQuery page = page(q, errors);
        if (!errors.isEmpty()) {
            throw AdminProblem.invalid(errors);
        }
        return page;
    }

    /** The client list: paging, and {@code name_prefix}, {@code api}, {@code enabled} (true or false). */
    static ClientQuery clients(Map<String, List<String>> query) {
        List<AdminProblem.FieldError> errors = new ArrayList<>();
        Map<String, String> q = single(query, CLIENT_FILTERS, errors);
        ListQuery page = page(q, errors);
        Optional<String> prefix = Optional.ofNullable(q.get("name_prefix"));
        prefix.filter(p -> p.isEmpty() || p.length() > 200)
                .ifPresent(p -> errors.add(new AdminProblem.FieldError("name_prefix", "must be 1 to 200 characters")));
        Optional<String> api = Optional.ofNullable(q.get("api"));
        api.filter(a -> a.isEmpty() || a.length() > 2048)
                .ifPresent(a -> errors.add(new AdminProblem.FieldError("api", "must be 1 to 2048 characters")));
        Optional<Boolean> enabled = Optional.empty();
        String e = q.get("enabled");
        if ("true".equals(e) || "false".equals(e)) {
            enabled = Optional.of(Boolean.parseBoolean(e));
        } else if (e != null) {
            errors.add(new AdminProblem.FieldError("enabled", "must be true or false"));
        }
        if (!errors.isEmpty()) {
            throw AdminProblem.invalid(errors);
        }
        return new ClientQuery(page, prefix, api, enabled);
    }

    /**
     * The link to the page after {@code page}, with the request's other parameters, or empty on
     * the last page.
     */
    static Optional<String> next(String path, Map<String, List<String>> query, Page<?> page) {
        if (page.nextAfter().isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        query.forEach((k, v) -> {
            if (!k.equals("cursor") && !v.isEmpty()) {
                params.put(k, v.get(0));
            }
        });
        params.put("cursor", encodeCursor(page.nextAfter().get()));
        StringBuilder link = new StringBuilder(path).append('?');
        params.forEach((k, v) -> link.append(link.charAt(link.length() - 1) == '?' ? "" : "&")
                .append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return Optional.of(link.toString());
    }

    static String encodeCursor(String key) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_VERSION + key).getBytes(StandardCharsets.UTF_8));
    }

    private static ListQuery page(Map<String, String> q, List<AdminProblem.FieldError> errors) {
        int limit = ListQuery.DEFAULT_LIMIT;
        String l = q.get("limit");
        if (l != null) {
            limit = -1;
            if (l.matches("[0-9]{1,4}")) {
                limit = Integer.parseInt(l);
            }
            if (limit < 1 || limit > ListQuery.MAX_LIMIT) {
                errors.add(new AdminProblem.FieldError("limit", "must be a whole number from 1 to " + ListQuery.MAX_LIMIT));
                limit = ListQuery.DEFAULT_LIMIT;
            }
        }
        Optional<String> after = Optional.empty();
        String cursor = q.get("cursor");
        if (cursor != null) {
            after = decodeCursor(cursor);
            if (after.isEmpty()) {
                errors.add(new AdminProblem.FieldError("cursor", "is not a cursor this server gave; start again"
                        + " without one"));
            }
        }
        return new ListQuery(after, limit);
    }

    private static Optional<String> decodeCursor(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            return decoded.startsWith(CURSOR_VERSION) && decoded.length() > CURSOR_VERSION.length()
                    ? Optional.of(decoded.substring(CURSOR_VERSION.length())) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Map<String, String> single(Map<String, List<String>> query, Set<String> known,
                                              List<AdminProblem.FieldError> errors) {
        Map<String, String> out = new LinkedHashMap<>();
        query.forEach((name, values) -> {
            if (!known.contains(name)) {
                errors.add(new AdminProblem.FieldError(printable(name), "is not a parameter of this list; it takes "
                        + known.stream().sorted().toList()));
            } else if (values.size() != 1) {
                errors.add(new AdminProblem.FieldError(name, "must be given once"));
            } else {
                out.put(name, values.get(0));
            }
        });
        return out;
    }

    private static String printable(String name) {
        String cut = name.length() > 64 ? name.substring(0, 64) + "…" : name;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
