package dev.keycard.server.log;

import java.util.Set;

/**
 * A log argument that is already one JSON value on one line, made by Keycard with every string in
 * it escaped (RFC 8259): an audit event, an access-log line. Logged as the only argument of {@code "{}"}, the text format prints it
 * as it is; JSON lines embed it as the member {@code name}, not as an escaped string, so a log
 * pipeline indexes its fields without parsing twice, and give {@code message} as their message.
 *
 * @param name the member of the JSON line that holds it, e.g. {@code audit}
 * @param message the JSON line's {@code message}, e.g. the audit event's type
 * @param json the value, valid JSON on one line
 */
public record EmbeddedJson(String name, String message, String json) {

    private static final Set<String> RESERVED = Set.of("time", "level", "logger", "message", "error", "stack_trace");

    public EmbeddedJson {
        if (RESERVED.contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is a member of every JSON line");
        }
    }

    @Override
    public String toString() {
        return json;
    }
}
