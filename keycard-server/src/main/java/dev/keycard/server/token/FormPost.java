package dev.keycard.server.token;

import dev.keycard.protocol.Form;
import dev.keycard.protocol.FormCodec;
import dev.keycard.protocol.OAuthError;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The request syntax every OAuth endpoint of Keycard shares (token, introspection, revocation):
 * POST, {@code application/x-www-form-urlencoded} in UTF-8 (RFC 6749 Appendix B), no parameter
 * repeated (RFC 6749 §3.1, §3.2) except those an endpoint lets repeat.
 */
public final class FormPost {

    private FormPost() {
    }

    /**
     * The parameters of {@code http}.
     *
     * @param endpoint the endpoint's name for the 405 description, e.g. {@code token endpoint}
     * @param mayRepeat parameters that may be sent more than once
     * @throws dev.keycard.protocol.OAuthException 405 for another method, {@code invalid_request} otherwise
     */
    public static Form parse(TokenHttpRequest http, String endpoint, Set<String> mayRepeat) {
        if (!http.method().equals("POST")) {
            throw TokenEndpoint.METHOD_NOT_ALLOWED.describe("the " + endpoint + " accepts POST only").toException();
        }
        if (!isForm(http.contentType())) {
            throw OAuthError.INVALID_REQUEST
                    .describe("Content-Type must be application/x-www-form-urlencoded").toException();
        }
        Form form;
        try {
            form = FormCodec.decode(http.body());
        } catch (IllegalArgumentException e) {
            throw OAuthError.INVALID_REQUEST.describe("malformed request body: " + e.getMessage()).toException();
        }
        for (String name : form.repeated()) {
            if (!mayRepeat.contains(name)) {
                throw OAuthError.INVALID_REQUEST.describe("parameter is repeated: " + name).toException();
            }
        }
        return form;
    }

    /** {@code application/x-www-form-urlencoded}, with at most a UTF-8 charset parameter. */
    private static boolean isForm(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/x-www-form-urlencoded")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=") && !p.equals("charset=utf-8") && !p.equals("charset=\"utf-8\"")) {
                return false;
            }
        }
        return true;
    }
}
