package dev.keycard.server.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** What both line formats share: the time, the redaction of secrets and tokens, a throwable. */
final class LogLines {

    static final String REDACTED = "[redacted]";
    /** UTC, always with milliseconds (ISO_INSTANT drops them at .000 and shows micros when there are). */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** A Keycard secret, or a compact JWS/JWT (base64url parts, the first a JSON object). */
    private static final Pattern SECRET_OR_TOKEN = Pattern.compile(
            "kcs_[A-Za-z0-9_-]+|eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*");

    private LogLines() {
    }

    static void time(StringBuilder out, long epochMillis) {
        TIME.formatTo(Instant.ofEpochMilli(epochMillis), out);
    }

    /**
     * {@code text} with anything that looks like a Keycard secret or a JWT written {@value #REDACTED}:
     * the last line of defence, for a detail that quotes what a caller sent (a secret pasted as a
     * client id) in a debug record. Inside a JSON string the replacement keeps the JSON valid.
     */
    static String redact(String text) {
        if (text.indexOf("kcs_") < 0 && text.indexOf("eyJ") < 0) {
            return text;
        }
        return SECRET_OR_TOKEN.matcher(text).replaceAll(REDACTED);
    }

    /** The event's {@link EmbeddedJson}, when that is all it logs ({@code "{}"} and one argument). */
    static @Nullable EmbeddedJson embedded(ILoggingEvent event) {
        Object[] args = event.getArgumentArray();
        if (args != null && args.length == 1 && args[0] instanceof EmbeddedJson json && "{}".equals(event.getMessage())) {
            return json;
        }
        return null;
    }

    /** {@code class: message}, as {@link Throwable#toString()}. */
    static String error(IThrowableProxy t) {
        return t.getMessage() == null ? t.getClassName() : t.getClassName() + ": " + t.getMessage();
    }

    /** The stack trace as {@link Throwable#printStackTrace()} writes it, ending with a line break. */
    static String stackTrace(IThrowableProxy t) {
        if (t instanceof ThrowableProxy proxy) {
            StringWriter trace = new StringWriter(1024);
            try (PrintWriter w = new PrintWriter(trace)) {
                proxy.getThrowable().printStackTrace(w);
            }
            return trace.toString();
        }
        return ThrowableProxyUtil.asString(t) + "\n";
    }
}
