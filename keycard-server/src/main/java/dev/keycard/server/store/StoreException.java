package dev.keycard.server.store;

import java.sql.SQLException;

/**
 * The store refused or failed an operation. {@link Kind} tells the admin API how to answer:
 * a conflict is 409, a refused value 400, anything else (the store does not answer) 503.
 */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure, as far as the driver says. */
    public enum Kind {
        /** A constraint was violated (SQLState class 23; SQLite's SQLITE_CONSTRAINT). */
        CONFLICT,
        /** A value was refused (SQLState class 22). */
        INVALID_DATA,
        /** The store failed or could not be reached. */
        UNAVAILABLE
    }

    private final Kind kind;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
        this.kind = kindOf(cause);
    }

    public Kind kind() {
        return kind;
    }

    private static Kind kindOf(Throwable cause) {
        if (!(cause instanceof SQLException e)) {
            return Kind.UNAVAILABLE;
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("23") || (e.getClass().getName().startsWith("org.sqlite") && e.getErrorCode() == 19)) {
            return Kind.CONFLICT;
        }
        return state.startsWith("22") ? Kind.INVALID_DATA : Kind.UNAVAILABLE;
    }
}
