package dev.keycard.server.admin;

import java.util.Objects;
import java.util.Optional;

/**
 * Which page of a list: the items after the key the previous page ended on, at most {@code limit}.
 *
 * @param after the key of the last item of the previous page; empty: the first page
 * @param limit how many items at most, 1 to {@link #MAX_LIMIT}
 */
public record ListQuery(Optional<String> after, int limit) {

    /** A page's size when the request names none. */
    public static final int DEFAULT_LIMIT = 100;
    /** The largest page: a list of 100,000 clients is never one body. */
    public static final int MAX_LIMIT = 1_000;

    public ListQuery {
        Objects.requireNonNull(after, "after");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
        }
    }

    /** The first page, of the default size. */
    public static ListQuery first() {
        return new ListQuery(Optional.empty(), DEFAULT_LIMIT);
    }
}
