package dev.keycard.server.admin;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of a list.
 *
 * @param items the items, in the list's order
 * @param nextAfter the key to ask for the next page with ({@link ListQuery#after}); empty on the last page
 */
public record Page<T>(List<T> items, Optional<String> nextAfter) {

    public Page {
        items = List.copyOf(items);
    }

    /**
     * The page of {@code fetched}, which holds up to {@code limit + 1} items: one more than the
     * page shows tells that another page follows, without counting the whole list.
     */
    public static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> key) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, Optional.empty());
        }
        List<T> shown = fetched.subList(0, limit);
        return new Page<>(shown, Optional.of(key.apply(shown.get(limit - 1))));
    }

    /**
     * The page of a short list held whole in memory (keys, a client's secrets), in the list's own
     * order, after the item whose key is {@code query}'s: none, when that item has gone since.
     */
    public static <T> Page<T> within(List<T> all, ListQuery query, Function<T, String> key) {
        int from = 0;
        if (query.after().isPresent()) {
            from = all.size();
            for (int i = 0; i < all.size(); i++) {
                if (key.apply(all.get(i)).equals(query.after().get())) {
                    from = i + 1;
                    break;
                }
            }
        }
        return of(all.subList(from, Math.min(all.size(), from + query.limit() + 1)), query.limit(), key);
    }
}
