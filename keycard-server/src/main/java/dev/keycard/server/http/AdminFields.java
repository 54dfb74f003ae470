package dev.keycard.server.http;

import dev.keycard.protocol.Scope;
import dev.keycard.protocol.ScopeSet;
import dev.keycard.server.admin.AdminProblem;
import dev.keycard.server.admin.AdminProblem.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the fields of an admin request body with the type each must have, collecting every
 * problem with the field's name, so one answer lists all that is wrong.
 */
final class AdminFields {

    private final JsonObject body;
    private final List<FieldError> errors = new ArrayList<>();

    AdminFields(JsonObject body) {
        this.body = body;
    }

    boolean has(String name) {
        return body.containsKey(name);
    }

    boolean isNull(String name) {
        return body.containsKey(name) && body.getValue(name) == null;
    }

    Optional<String> text(String name, boolean required, int maxLength) {
        Object v = body.getValue(name);
        if (v == null) {
            if (required) {
                error(name, "is required");
            }
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            error(name, "must be a string");
            return Optional.empty();
        }
        if (s.isBlank()) {
            error(name, "must not be blank");
            return Optional.empty();
        }
        if (s.length() > maxLength) {
            error(name, "must be at most " + maxLength + " characters");
            return Optional.empty();
        }
        return Optional.of(s);
    }

    Optional<Long> number(String name, long min, long max) {
        Object v = body.getValue(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Integer || v instanceof Long)) {
            error(name, "must be a whole number");
            return Optional.empty();
        }
        long n = ((Number) v).longValue();
        if (n < min || n > max) {
            error(name, "must be between " + min + " and " + max);
            return Optional.empty();
        }
        return Optional.of(n);
    }

    Optional<Boolean> bool(String name) {
        Object v = body.getValue(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Boolean b)) {
            error(name, "must be true or false");
            return Optional.empty();
        }
        return Optional.of(b);
    }

    Optional<List<String>> strings(String name) {
        Object v = body.getValue(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof JsonArray a)) {
            error(name, "must be an array of strings");
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        for (Object o : a) {
            if (!(o instanceof String s)) {
                error(name, "must be an array of strings");
                return Optional.empty();
            }
            out.add(s);
        }
        return Optional.of(out);
    }

    Optional<ScopeSet> scopes(String name) {
        return strings(name).flatMap(list -> scopeSet(name, list));
    }

    Optional<ScopeSet> scopeSet(String name, List<String> list) {
        Set<Scope> set = new TreeSet<>();
        for (String s : list) {
            if (!Scope.isValid(s) || s.length() > 200) {
                error(name, "has an invalid scope '" + s + "' (RFC 6749 §3.3: printable ASCII, no space, \" or \\)");
                return Optional.empty();
            }
            set.add(new Scope(s));
        }
        return Optional.of(ScopeSet.of(set));
    }

    Optional<JsonArray> array(String name) {
        Object v = body.getValue(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof JsonArray a)) {
            error(name, "must be an array");
            return Optional.empty();
        }
        return Optional.of(a);
    }

    Optional<JsonObject> object(String name) {
        Object v = body.getValue(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof JsonObject o)) {
            error(name, "must be an object");
            return Optional.empty();
        }
        return Optional.of(o);
    }

    void rejectUnknown(Set<String> known) {
        for (String name : body.fieldNames()) {
            if (!known.contains(name)) {
                error(name, "is not a known field");
            }
        }
    }

    void error(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    /** Throws the validation problem when any field was wrong. */
    void check() {
        if (!errors.isEmpty()) {
            throw AdminProblem.invalid(errors);
        }
    }
}
