package dev.keycard.server.log;

import java.util.Locale;

/** The shape of a log line on standard error ({@code log.format}). */
public enum LogFormat {

    /** {@code 2026-11-24T19:31:32.232Z INFO CryptoProviders - message}, for people. */
    TEXT,
    /** One JSON object per line ({@code time}, {@code level}, {@code logger}, {@code message}), for a log pipeline. */
    JSON;

    /** {@code text} or {@code json}; throws {@link IllegalArgumentException} with the reason otherwise. */
    public static LogFormat parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("must be text or json");
        };
    }
}
