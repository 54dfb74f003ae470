package dev.keycard.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decoded {@code application/x-www-form-urlencoded} parameters, in the order they came, each name
 * with every value it was given. Made by {@link FormCodec#decode}.
 */
public final class Form {

    private final Map<String, List<String>> params;

    Form(Map<String, List<String>> params) {
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /**
     * The value of a parameter sent once, or empty when it is absent or empty. RFC 6749 §3.1:
     * "Parameters sent without a value MUST be treated as if they were omitted from the request."
     * Call {@link #repeated()} first: for a repeated name this gives the first value.
     */
    public Optional<String> get(String name) {
        List<String> values = params.get(name);
        if (values == null || values.get(0).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(values.get(0));
    }

    /** Every non-empty value of a parameter, in order. */
    public List<String> all(String name) {
        List<String> values = params.get(name);
        return values == null ? List.of() : values.stream().filter(v -> !v.isEmpty()).toList();
    }

    /** The names sent more than once; RFC 6749 §3.1 and §3.2 forbid that. */
    public Set<String> repeated() {
        return params.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(Map.Entry::getKey).collect(Collectors.toUnmodifiableSet());
    }

    public Set<String> names() {
        return params.keySet();
    }
}
