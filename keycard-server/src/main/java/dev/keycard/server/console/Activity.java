package dev.keycard.server.console;

import dev.keycard.server.event.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * What this node did lately, for the console's overview: the metrics' totals sampled once a
 * minute ({@link #sample}, from the background thread), the last hour's samples kept, and the
 * differences between them read as tokens per minute and time per request. The token path is not
 * touched: the totals are the counters it already adds to.
 */
public final class Activity {

    /** How often {@link #sample} should run. */
    public static final Duration STEP = Duration.ofMinutes(1);
    /** How far back the endpoints' times reach. */
    public static final Duration ENDPOINT_WINDOW = Duration.ofMinutes(5);
    private static final int KEPT = 61; // an hour of minutes, and its start

    private final Supplier<Metrics.Totals> totals;
    private final Clock clock;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>(KEPT);

    private record Sample(Instant at, Metrics.Totals totals) {
    }

    /** One minute: tokens issued and refused from {@code start}, the last minute running to now. */
    public record Minute(Instant start, long issued, long refused) {
    }

    /**
     * An endpoint's requests in the window: how many, their mean, and the longest (the timer's
     * max, which covers about a minute, as sampled each minute of the window and now).
     */
    public record Endpoint(String name, long requests, double meanMillis, double maxMillis) {
    }

    /**
     * The overview's figures.
     *
     * @param minutes oldest first, at most an hour's; the last one is running
     * @param since when the first minute starts (the node's start, or an hour ago)
     * @param slowest endpoints with requests in the window, slowest mean first
     */
    public record View(List<Minute> minutes, Instant since, long issued, long refused, List<Endpoint> slowest) {
    }

    public Activity(Supplier<Metrics.Totals> totals, Clock clock) {
        this.totals = totals;
        this.clock = clock;
        sample();
    }

    /** Takes this minute's sample; the oldest beyond an hour goes. */
    public synchronized void sample() {
        if (samples.size() == KEPT) {
            samples.removeFirst();
        }
        samples.addLast(new Sample(clock.instant(), totals.get()));
    }

    public synchronized View view() {
        Sample now = new Sample(clock.instant(), totals.get());
        List<Sample> all = new ArrayList<>(samples);
        all.add(now);
        List<Minute> minutes = new ArrayList<>(all.size() - 1);
        for (int i = 1; i < all.size(); i++) {
            Metrics.Totals before = all.get(i - 1).totals();
            Metrics.Totals after = all.get(i).totals();
            minutes.add(new Minute(all.get(i - 1).at(), after.issued() - before.issued(),
                    after.refused() - before.refused()));
        }
        Sample first = all.get(0);
        Sample windowStart = first;
        for (Sample s : all) {
            if (!s.at().isAfter(now.at().minus(ENDPOINT_WINDOW))) {
                windowStart = s;
            }
        }
        List<Endpoint> slowest = new ArrayList<>();
        Metrics.Totals base = windowStart.totals();
        List<Sample> window = all.subList(all.indexOf(windowStart), all.size());
        now.totals().endpoints().forEach((name, r) -> {
            Metrics.Requests then = base.endpoints().getOrDefault(name, new Metrics.Requests(0, 0, 0));
            long count = r.count() - then.count();
            if (count > 0) {
                // The timer's max covers about its last minute: the window's is the largest sampled in it.
                double max = 0;
                for (Sample s : window.subList(1, window.size())) {
                    Metrics.Requests at = s.totals().endpoints().get(name);
                    max = Math.max(max, at == null ? 0 : at.maxSeconds());
                }
                slowest.add(new Endpoint(name, count, (r.totalSeconds() - then.totalSeconds()) * 1000 / count, max * 1000));
            }
        });
        slowest.sort(Comparator.comparingDouble(Endpoint::meanMillis).reversed());
        return new View(minutes, first.at(), now.totals().issued() - first.totals().issued(),
                now.totals().refused() - first.totals().refused(), slowest);
    }
}
