package dev.keycard.server.event;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened that an operator may have to answer for: a secret used in its grace
 * period, a revocation, a key made or removed, an admin change. It names things by their ids
 * ({@code client_id}, secret id, {@code jti}, {@code kid}), never by a secret or a token; a value
 * that looks like one anyway (a secret pasted as a client id) is written {@value #REDACTED}.
 *
 * @param type what happened, e.g. {@code token.revoked}
 * @param time when
 * @param clientId the client concerned, if any
 * @param details more ids and times: strings, numbers and booleans only, in a stable order
 */
public record AuditEvent(String type, Instant time, @Nullable String clientId, Map<String, Object> details) {

    static final String REDACTED = "[redacted]";
    private static final Set<String> RESERVED = Set.of("type", "time", "client_id");
    /** A Keycard secret, or a compact JWS (three base64url parts, the first a JSON object). */
    private static final Pattern SECRET_LIKE = Pattern.compile("kcs_.*|eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\..*",
            Pattern.DOTALL);

    public AuditEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        clientId = clientId == null ? null : redact(clientId);
        Map<String, Object> copy = new LinkedHashMap<>();
        details.forEach((k, v) -> {
            if (RESERVED.contains(k)) {
                throw new IllegalArgumentException("detail '" + k + "' is reserved");
            }
            if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                throw new IllegalArgumentException("detail '" + k + "' must be a string, number or boolean");
            }
            copy.put(k, v instanceof String s ? redact(s) : v);
        });
        details = Collections.unmodifiableMap(copy);
    }

    /**
     * One JSON object on one line: {@code type}, {@code time} (RFC 3339), {@code client_id} when
     * there is one, then the details.
     */
    public String toJson() {
        StringBuilder out = new StringBuilder(128).append("{\"type\":");
        string(out, type);
        out.append(",\"time\":");
        string(out, time.toString());
        if (clientId != null) {
            out.append(",\"client_id\":");
            string(out, clientId);
        }
        details.forEach((k, v) -> {
            out.append(',');
            string(out, k);
            out.append(':');
            if (v instanceof String s) {
                string(out, s);
            } else {
                out.append(v);
            }
        });
        return out.append('}').toString();
    }

    private static String redact(String value) {
        return SECRET_LIKE.matcher(value).matches() ? REDACTED : value;
    }

    /** A JSON string (RFC 8259 §7); control characters escaped, so an event stays on one line. */
    private static void string(StringBuilder out, String s) {
        dev.keycard.protocol.Json.appendString(out, s);
    }
}
