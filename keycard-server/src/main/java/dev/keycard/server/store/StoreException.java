package dev.keycard.server.store;

/** The store failed or could not be reached. The admin API answers it with 503. */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
