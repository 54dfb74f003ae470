package dev.keycard.server.introspect;

import dev.keycard.server.issue.IssuedToken;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to one introspection request, RFC 7662 §2.2.
 *
 * @param callerId the {@code client_id} of the client that asked
 * @param token the token, when it is active and the caller may see it; else the answer is
 *     {@code {"active":false}} and nothing more
 * @param at when the request was answered
 */
public record Introspection(String callerId, Optional<IssuedToken> token, Instant at) {

    public Introspection {
        Objects.requireNonNull(callerId, "callerId");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(at, "at");
    }

    /**
     * The §2.2 members: {@code active}, and for an active token {@code scope} (if it has one),
     * {@code client_id}, {@code token_type}, {@code exp}, {@code iat}, {@code sub}, {@code aud},
     * {@code iss}, {@code jti}; for a DPoP-bound token {@code token_type} {@code DPoP} and its
     * {@code cnf} (RFC 9449 §6.2); a certificate-bound one its {@code cnf.x5t#S256} (RFC 8705 §3.2). Times in seconds since the epoch; {@code aud} a string when the
     * token has one audience, as in the token.
     */
    public Map<String, Object> members() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("active", token.isPresent());
        token.ifPresent(t -> {
            t.scope().ifPresent(s -> m.put("scope", s));
            m.put("client_id", t.clientId());
            m.put("token_type", t.tokenType());
            m.put("exp", t.expiresAt().getEpochSecond());
            m.put("iat", t.issuedAt().getEpochSecond());
            m.put("sub", t.subject());
            m.put("aud", t.audience().size() == 1 ? t.audience().get(0) : t.audience());
            m.put("iss", t.issuer());
            m.put("jti", t.jti());
            if (t.dpopJkt().isPresent() || t.certificateThumbprint().isPresent()) {
                Map<String, Object> cnf = new LinkedHashMap<>();
                t.dpopJkt().ifPresent(jkt -> cnf.put("jkt", jkt));
                t.certificateThumbprint().ifPresent(x5t -> cnf.put("x5t#S256", x5t));
                m.put("cnf", cnf);
            }
        });
        return m;
    }
}
