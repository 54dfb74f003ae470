package dev.keycard.server.cli;

/**
 * The exit codes of the {@code keycard} command line, the one place they are defined. Scripts
 * branch on them, so a code's meaning never changes.
 */
public final class ExitCodes {

    /** The command did what was asked. */
    public static final int OK = 0;
    /** The server failed (5xx) or could not be reached (connection refused, timeout, bad answer). */
    public static final int UNAVAILABLE = 1;
    /** The command line is wrong: unknown option, missing value, missing credentials (picocli's default). */
    public static final int USAGE = 2;
    /** No such API, client, grant or secret (HTTP 404). */
    public static final int NOT_FOUND = 3;
    /** The server refused the request as asked: 400, 409, 413, 415, or an OAuth error other than {@code invalid_client}. */
    public static final int REJECTED = 4;
    /** Authentication or authorization failed: 401, 403, or OAuth {@code invalid_client}. */
    public static final int DENIED = 5;

    private ExitCodes() {
    }

    /** The exit code for an HTTP error status that carries no more specific meaning. */
    static int forStatus(int status) {
        if (status == 401 || status == 403) {
            return DENIED;
        }
        if (status == 404) {
            return NOT_FOUND;
        }
        if (status >= 400 && status < 500) {
            return REJECTED;
        }
        return UNAVAILABLE;
    }
}
