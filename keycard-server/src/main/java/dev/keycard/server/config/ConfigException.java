package dev.keycard.server.config;

/** Bad configuration: the message names the key and says what is wrong. The start stops. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
