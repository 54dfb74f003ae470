package dev.keycard.resource;

import dev.keycard.protocol.Json;
import dev.keycard.protocol.OAuthError;
import dev.keycard.protocol.ScopeSet;
import org.jspecify.annotations.Nullable;

/**
 * A refusal as RFC 6750 §3 words it: the status, the {@code WWW-Authenticate} challenge and a
 * small JSON body with the same error. Nothing in it says why a token failed; that detail is for
 * the API's log only, where {@link BearerAuthentication} writes it.
 *
 * @param status the HTTP status
 * @param challenge the {@code WWW-Authenticate} value, or null when the refusal is not about the token
 * @param error the RFC 6750 §3.1 error code, or null when the request carried no token at all
 * @param description the public {@code error_description}
 * @param dpopNonce a {@code DPoP-Nonce} header to send (RFC 9449 §9), or null
 */
public record BearerError(int status, @Nullable String challenge, @Nullable String error, @Nullable String description,
                          @Nullable String dpopNonce) {

    /** A refusal without a DPoP nonce. */
    public BearerError(int status, @Nullable String challenge, @Nullable String error, @Nullable String description) {
        this(status, challenge, error, description, null);
    }

    /** No token at all, or another scheme: a bare challenge with no error code (§3.1). */
    public static BearerError missingToken() {
        return new BearerError(401, "Bearer", null, null);
    }

    /** §3.1 {@code invalid_token}: expired, revoked, malformed, or not for this API; the caller is not told which. */
    public static BearerError invalidToken() {
        return challenge(401, "invalid_token", "The access token is not valid", null);
    }

    /** §3.1 {@code insufficient_scope}, naming the scope the request needs (§3 {@code scope} attribute). */
    public static BearerError insufficientScope(ScopeSet required) {
        return challenge(403, "insufficient_scope", "The request requires scope " + required, required.toString());
    }

    /** §3.1 {@code invalid_request}: a malformed {@code Authorization} header. */
    public static BearerError invalidRequest(String description) {
        return challenge(400, "invalid_request", description, null);
    }

    /** The API could not obtain the issuer's keys: its own fault, so 503 and no challenge. */
    public static BearerError unavailable() {
        return new BearerError(503, null, "temporarily_unavailable", "Token verification is temporarily unavailable");
    }

    /**
     * RFC 9449 §7.1: a refusal under the {@code DPoP} scheme, naming the accepted algorithms:
     * {@code invalid_dpop_proof}, {@code use_dpop_nonce} (with the nonce to use), or
     * {@code invalid_token} for a token the scheme does not fit.
     */
    public static BearerError dpop(String error, String text, String algs, @Nullable String nonce) {
        String description = OAuthError.printable(text);
        String c = "DPoP error=\"" + error + "\", error_description=\"" + description + "\", algs=\"" + algs + "\"";
        return new BearerError(401, c, error, description, nonce);
    }

    /**
     * A challenge; the description goes into a quoted-string, so it is made printable as RFC 6750
     * §3 requires ({@code %x20-21 / %x23-5B / %x5D-7E}, no {@code "} or {@code \\}).
     */
    private static BearerError challenge(int status, String error, String text, @Nullable String scope) {
        String description = OAuthError.printable(text);
        StringBuilder c = new StringBuilder("Bearer error=\"").append(error).append("\", error_description=\"")
                .append(description).append('"');
        if (scope != null) {
            c.append(", scope=\"").append(scope).append('"');
        }
        return new BearerError(status, c.toString(), error, description);
    }

    /** The response body: {@code {"error":…,"error_description":…}}, or {@code {}} for a bare challenge. */
    public String json() {
        if (error == null) {
            return "{}";
        }
        StringBuilder b = new StringBuilder("{\"error\":");
        Json.appendString(b, error);
        if (description != null) {
            Json.appendString(b.append(",\"error_description\":"), description);
        }
        return b.append('}').toString();
    }
}
