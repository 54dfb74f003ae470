package dev.keycard.server.admin;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * A change to a field that may be cleared: left as it is, cleared, or set. What a PATCH body's
 * absent member, {@code null} and value say (RFC 7396).
 */
public record Patch<T>(boolean present, Optional<T> value) {

    private static final Patch<?> KEEP = new Patch<>(false, Optional.empty());

    @SuppressWarnings("unchecked")
    public static <T> Patch<T> keep() {
        return (Patch<T>) KEEP;
    }

    public static <T> Patch<T> clear() {
        return new Patch<>(true, Optional.empty());
    }

    public static <T> Patch<T> set(T value) {
        return new Patch<>(true, Optional.of(value));
    }

    /** The value after the change of {@code before}. */
    public Optional<T> applyTo(Supplier<Optional<T>> before) {
        return present ? value : before.get();
    }
}
