package dev.keycard.server.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import dev.keycard.protocol.Json;
import java.nio.charset.StandardCharsets;

/**
 * One JSON object per record, on one line: {@code time} (RFC 3339, UTC, milliseconds),
 * {@code level}, {@code logger} (the full name), {@code message}; an {@link EmbeddedJson}
 * argument as its own member (the audit event as {@code audit}); for a throwable {@code error}
 * ({@code class: message}) and {@code stack_trace}. Strings are escaped per RFC 8259, so a message
 * with a line break stays on its line.
 */
final class JsonLineEncoder extends LineEncoder {

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(256).append("{\"time\":\"");
        LogLines.time(out, event.getTimeStamp());
        out.append("\",\"level\":\"").append(event.getLevel()).append("\",\"logger\":");
        Json.appendString(out, event.getLoggerName());
        out.append(",\"message\":");
        EmbeddedJson embedded = LogLines.embedded(event);
        if (embedded == null) {
            Json.appendString(out, LogLines.redact(event.getFormattedMessage()));
        } else {
            Json.appendString(out, LogLines.redact(embedded.message()));
            out.append(',');
            Json.appendString(out, embedded.name());
            out.append(':').append(LogLines.redact(embedded.json()));
        }
        IThrowableProxy t = event.getThrowableProxy();
        if (t != null) {
            out.append(",\"error\":");
            Json.appendString(out, LogLines.redact(LogLines.error(t)));
            out.append(",\"stack_trace\":");
            Json.appendString(out, LogLines.redact(LogLines.stackTrace(t)));
        }
        return out.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    }
}
