package dev.keycard.server.admin;

import java.util.List;

/**
 * An admin request refused: what kind of refusal, in words, and the fields at fault. An expected
 * outcome (no stack trace), and a value: the HTTP adapter turns each kind into its RFC 9457 problem.
 */
public final class AdminProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The kinds of refusal a use case makes. */
    public enum Kind {
        /** A field is missing, malformed, or names something that does not exist. */
        INVALID,
        /** The thing the request is about does not exist. */
        NOT_FOUND,
        /** The request contradicts the registry as it is (exists already, the last administrator, …). */
        CONFLICT
    }

    /** A field that failed validation, and why. */
    public record FieldError(String field, String message) {
    }

    private final Kind kind;
    private final String detail;
    private final transient List<FieldError> errors;

    private AdminProblem(Kind kind, String detail, List<FieldError> errors) {
        super(kind + ": " + detail, null, false, false);
        this.kind = kind;
        this.detail = detail;
        this.errors = List.copyOf(errors);
    }

    public Kind kind() {
        return kind;
    }

    /** This occurrence, in words, for the problem's {@code detail}. */
    public String detail() {
        return detail;
    }

    /** The fields at fault, for {@link Kind#INVALID}. */
    public List<FieldError> errors() {
        return errors;
    }

    public static AdminProblem notFound(String what) {
        return new AdminProblem(Kind.NOT_FOUND, what, List.of());
    }

    public static AdminProblem conflict(String detail) {
        return new AdminProblem(Kind.CONFLICT, detail, List.of());
    }

    public static AdminProblem invalid(List<FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).field() + " " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return new AdminProblem(Kind.INVALID, detail, errors);
    }

    public static AdminProblem invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }
}
