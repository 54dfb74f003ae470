package dev.keycard.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's readable account: one line per call (who called, what came back), and the expected
 * outcomes, each checked. The demo succeeds only when every expectation held.
 */
final class Account {

    /** An expected outcome and whether it happened. */
    record Expectation(String description, boolean met, String actual) {
    }

    private final PrintStream out;
    private final List<Expectation> expectations = new ArrayList<>();

    Account(PrintStream out) {
        this.out = out;
    }

    void heading(String text) {
        out.println();
        out.println(text);
    }

    void line(String who, String what) {
        out.printf(Locale.ROOT, "  %-17s %s%n", who, what);
    }

    /** Records an expectation; {@code actual} says what happened, for the summary. */
    synchronized void expect(String description, boolean met, String actual) {
        expectations.add(new Expectation(description, met, actual));
    }

    synchronized List<Expectation> expectations() {
        return List.copyOf(expectations);
    }

    /** Prints every expectation with its result; true when all were met and there was at least one. */
    synchronized boolean summarize() {
        heading("Expected outcomes");
        int met = 0;
        for (Expectation e : expectations) {
            out.printf(Locale.ROOT, "  [%s] %s%s%n", e.met ? "ok" : "FAILED", e.description,
                    e.met ? "" : " (got: " + e.actual + ")");
            met += e.met ? 1 : 0;
        }
        boolean all = !expectations.isEmpty() && met == expectations.size();
        out.printf(Locale.ROOT, "%n%d of %d expected outcomes happened: %s%n", met, expectations.size(),
                all ? "the demo succeeded" : "the demo FAILED");
        return all;
    }
}
