package dev.keycard.server.config;

import java.time.Duration;
import java.util.Locale;

/**
 * A rate: at most {@code requests} per {@code per}, written {@code 50/s}, {@code 600/m} or
 * {@code 1000/h}; a client may use them in a burst, and they come back evenly over {@code per}.
 *
 * @param requests how many, at least 1
 * @param per over which time: a second, a minute or an hour
 */
public record RateLimit(int requests, Duration per) {

    /** No limit at all: what {@code off} means. */
    public static final RateLimit OFF = new RateLimit(Integer.MAX_VALUE, Duration.ofSeconds(1));

    public RateLimit {
        if (requests < 1) {
            throw new IllegalArgumentException("must allow at least 1 request");
        }
        if (!per.equals(Duration.ofSeconds(1)) && !per.equals(Duration.ofMinutes(1)) && !per.equals(Duration.ofHours(1))) {
            throw new IllegalArgumentException("per must be a second, a minute or an hour");
        }
    }

    /**
     * Reads {@code N/s}, {@code N/m}, {@code N/h} or {@code off} ({@link #OFF}).
     *
     * @throws IllegalArgumentException saying what is expected
     */
    public static RateLimit parse(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        if (v.equals("off")) {
            return OFF;
        }
        int slash = v.indexOf('/');
        Duration per = slash < 0 ? null : switch (v.substring(slash + 1)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> null;
        };
        int requests;
        try {
            requests = slash < 0 ? 0 : Integer.parseInt(v.substring(0, slash));
        } catch (NumberFormatException e) {
            requests = 0;
        }
        if (per == null || requests < 1 || requests > 1_000_000) {
            throw new IllegalArgumentException("must be off, or N/s, N/m or N/h with N from 1 to 1000000");
        }
        return new RateLimit(requests, per);
    }

    public boolean isOff() {
        return equals(OFF);
    }

    /** As {@link #parse} reads it. */
    @Override
    public String toString() {
        if (isOff()) {
            return "off";
        }
        return requests + "/" + (per.equals(Duration.ofSeconds(1)) ? "s" : per.equals(Duration.ofMinutes(1)) ? "m" : "h");
    }
}
