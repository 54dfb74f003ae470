package dev.keycard.server.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import java.nio.charset.StandardCharsets;

/**
 * {@code 2026-11-24T19:31:32.232Z INFO CryptoProviders - message}: UTC time with milliseconds,
 * level, the logger's last name, message; a throwable's stack trace on the lines after. The line
 * slf4j-simple wrote before, so what operators grep for stays the same.
 */
final class TextLineEncoder extends LineEncoder {

    @Override
    public byte[] encode(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(128);
        LogLines.time(out, event.getTimeStamp());
        String logger = event.getLoggerName();
        out.append(' ').append(event.getLevel()).append(' ').append(logger, logger.lastIndexOf('.') + 1, logger.length())
                .append(" - ").append(LogLines.redact(event.getFormattedMessage())).append('\n');
        IThrowableProxy t = event.getThrowableProxy();
        if (t != null) {
            out.append(LogLines.redact(LogLines.stackTrace(t)));
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
