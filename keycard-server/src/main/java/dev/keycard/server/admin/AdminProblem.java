package dev.keycard.server.admin;

import dev.keycard.server.http.Responses.FieldError;
import dev.keycard.server.http.Responses.Problem;
import java.util.List;
import java.util.Map;

/** An admin request refused with an RFC 9457 problem. An expected outcome: no stack trace. */
public final class AdminProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Problem problem;

    public AdminProblem(Problem problem) {
        super(problem.title() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    static AdminProblem notFound(String what) {
        return new AdminProblem(Problem.of(404, "not-found", "Not found", what));
    }

    static AdminProblem conflict(String detail) {
        return new AdminProblem(Problem.of(409, "conflict", "Conflict", detail));
    }

    static AdminProblem invalid(List<FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).field() + " " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return new AdminProblem(new Problem("urn:keycard:problem:validation", "Invalid request", 400, detail,
                List.copyOf(errors), Map.of()));
    }

    static AdminProblem invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }
}
