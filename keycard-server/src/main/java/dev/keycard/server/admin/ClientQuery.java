package dev.keycard.server.admin;

import java.util.Objects;
import java.util.Optional;

/**
 * Which clients to list, in client_id order.
 *
 * @param page where the page starts and how long it is
 * @param namePrefix only clients whose name starts with this (case-sensitive)
 * @param api only clients granted scopes at this API
 * @param enabled only enabled, or only disabled, clients
 */
public record ClientQuery(ListQuery page, Optional<String> namePrefix, Optional<String> api,
                          Optional<Boolean> enabled) {

    public ClientQuery {
        Objects.requireNonNull(page, "page");
        Objects.requireNonNull(namePrefix, "namePrefix");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(enabled, "enabled");
    }

    /** Every client, a page at a time. */
    public static ClientQuery all(ListQuery page) {
        return new ClientQuery(page, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
