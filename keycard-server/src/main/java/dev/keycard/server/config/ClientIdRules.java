package dev.keycard.server.config;

import java.util.regex.Pattern;

/**
 * What Keycard accepts as a {@code client_id}: a subset of RFC 6749's VSCHAR that needs no escaping
 * in URLs, logs, HTTP Basic or shells.
 */
public final class ClientIdRules {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** What a valid id is, in words, for an error message. */
    public static final String RULE = "must be 1 to 128 of A-Z a-z 0-9 . _ : -";

    private ClientIdRules() {
    }

    /** Whether {@code id} is one Keycard could have registered. */
    public static boolean isValid(String id) {
        return VALID.matcher(id).matches();
    }

    /** Returns {@code id} when valid, else throws saying why. */
    public static String require(String id) {
        if (!VALID.matcher(id).matches()) {
            throw new IllegalArgumentException(RULE);
        }
        return id;
    }
}
