package dev.keycard.server.config;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration key: its name, its default (as text, as a user would write it) and how its
 * value is read. The environment variable is derived from the name: {@code http.port} is
 * {@code KEYCARD_HTTP_PORT}.
 *
 * @param key the name, as written in the file and after {@code --set}
 * @param defaultValue the default as text, or empty for "none"
 * @param description what it does, for the documentation and {@code serve --help}
 * @param parser reads and checks the value; throws {@link IllegalArgumentException} with the reason
 */
public record Setting<T>(String key, String defaultValue, String description, Function<String, T> parser) {

    /** The environment variable that overrides this key. */
    public String environmentVariable() {
        return "KEYCARD_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    static Setting<String> text(String key, String defaultValue, String description) {
        return new Setting<>(key, defaultValue, description, v -> v);
    }

    static Setting<Integer> integer(String key, String defaultValue, String description, int min, int max) {
        return new Setting<>(key, defaultValue, description, v -> {
            int n;
            try {
                n = Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a whole number");
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return n;
        });
    }

    static Setting<Duration> duration(String key, String defaultValue, String description, Duration min, Duration max) {
        return new Setting<>(key, defaultValue, description, v -> {
            Duration d = parseDuration(v);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException("must be between " + format(min) + " and " + format(max));
            }
            return d;
        });
    }

    static Setting<Boolean> bool(String key, String defaultValue, String description) {
        return new Setting<>(key, defaultValue, description, v -> switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        });
    }

    /** A duration as {@code 900}, {@code 900s}, {@code 15m}, {@code 1h} or {@code 30d}; a bare number is seconds. */
    public static Duration parseDuration(String text) {
        String v = text.trim();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("must be a duration such as 30s, 15m, 1h or 30d");
        }
        char unit = v.charAt(v.length() - 1);
        String digits = Character.isDigit(unit) ? v : v.substring(0, v.length() - 1);
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a duration such as 30s, 15m, 1h or 30d");
        }
        if (n < 0) {
            throw new IllegalArgumentException("must not be negative");
        }
        return switch (unit) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> {
                if (Character.isDigit(unit)) {
                    yield Duration.ofSeconds(n);
                }
                throw new IllegalArgumentException("has an unknown unit '" + unit + "' (use s, m, h or d)");
            }
        };
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        if (s % 86400 == 0 && s > 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
