package dev.keycard.protocol;

/**
 * Carries an {@link OAuthError.Described} from where it is found to the one place that writes it.
 * It is an expected outcome, not a fault, so it records no stack trace.
 */
public final class OAuthException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient OAuthError.Described error;

    public OAuthException(OAuthError.Described error) {
        super(error.error().code() + ": " + error.description(), null, false, false);
        this.error = error;
    }

    public OAuthError.Described error() {
        return error;
    }
}
