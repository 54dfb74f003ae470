package dev.keycard.server.cli;

/**
 * A command failed in a way the user should read: the message is printed to stderr as it is and
 * the process exits with {@link #exitCode()}. The message must never hold a secret.
 */
final class CliException extends RuntimeException {

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** One of {@link ExitCodes}. */
    int exitCode() {
        return exitCode;
    }
}
