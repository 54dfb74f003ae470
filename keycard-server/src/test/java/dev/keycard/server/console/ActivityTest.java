package dev.keycard.server.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keycard.server.event.Metrics;
import dev.keycard.server.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The overview's figures from the metrics' totals sampled each minute. */
class ActivityTest {

    private final MutableClock clock = new MutableClock();
    private final AtomicReference<Metrics.Totals> totals = new AtomicReference<>(totals(0, 0, 0, 0));

    private static Metrics.Totals totals(long issued, long refused, long requests, double seconds) {
        return new Metrics.Totals(issued, refused, Map.of("/oauth2/token", new Metrics.Requests(requests, seconds, 0.004)));
    }

    @Test
    void viewWhenSampledEachMinuteThenCountsPerMinuteTheRunningOneLast() {
        Activity activity = new Activity(totals::get, clock);
        totals.set(totals(10, 1, 11, 0.011));
        clock.advance(Duration.ofMinutes(1));
        activity.sample();
        totals.set(totals(25, 1, 26, 0.026));

        Activity.View view = activity.view();
        assertEquals(List.of(10L, 15L), view.minutes().stream().map(Activity.Minute::issued).toList());
        assertEquals(List.of(1L, 0L), view.minutes().stream().map(Activity.Minute::refused).toList());
        assertEquals(25, view.issued());
        assertEquals(1, view.refused());
        assertEquals(1, view.slowest().size());
        assertEquals(26, view.slowest().get(0).requests(), "the node started within the endpoint window");
        assertEquals(1.0, view.slowest().get(0).meanMillis(), 1e-9);
        assertEquals(4.0, view.slowest().get(0).maxMillis(), 1e-9);
    }

    @Test
    void viewWhenMoreThanAnHourSampledThenTheLastHourOnlyAndEndpointsOverTheirWindow() {
        Activity activity = new Activity(totals::get, clock);
        for (int minute = 1; minute <= 90; minute++) {
            // 10 requests of 1 ms a minute, and 90 s more for those of the last minute
            totals.set(totals(minute * 2L, minute, minute * 10L, minute * 10 * 0.001 + (minute == 90 ? 90 : 0)));
            clock.advance(Duration.ofMinutes(1));
            activity.sample();
        }
        Activity.View view = activity.view();
        assertEquals(61, view.minutes().size(), "60 whole minutes and the running one");
        assertEquals(clock.instant().minus(Duration.ofMinutes(60)), view.since());
        assertEquals(120, view.issued(), "the last hour's: 2 a minute");
        assertEquals(0, view.minutes().get(60).issued(), "nothing yet in the running minute");
        Activity.Endpoint token = view.slowest().get(0);
        assertEquals(50, token.requests(), "the last five minutes' requests");
        assertEquals((0.05 + 90) * 1000 / 50, token.meanMillis(), 1e-6, "their mean, the slow minute's included");
    }

    @Test
    void viewWhenAnEndpointHadNoRequestInTheWindowThenItIsNotListed() {
        Activity activity = new Activity(totals::get, clock);
        totals.set(totals(0, 0, 5, 0.005));
        clock.advance(Duration.ofMinutes(1));
        activity.sample();
        clock.advance(Duration.ofMinutes(10));
        activity.sample();
        assertEquals(List.of(), activity.view().slowest());
    }

    @Test
    void slowestWhenALongRequestWasSampledInTheWindowThenItIsTheLongestAndOneBeforeItIsNot() {
        Activity activity = new Activity(totals::get, clock);
        totals.set(new Metrics.Totals(0, 0, Map.of("/oauth2/token", new Metrics.Requests(10, 1.0, 0.9))));
        clock.advance(Duration.ofMinutes(1));
        activity.sample(); // 0.9 s, six minutes before the view: outside the window
        totals.set(new Metrics.Totals(0, 0, Map.of("/oauth2/token", new Metrics.Requests(20, 1.5, 0.3))));
        clock.advance(Duration.ofMinutes(3));
        activity.sample();
        totals.set(new Metrics.Totals(0, 0, Map.of("/oauth2/token", new Metrics.Requests(30, 1.6, 0.002))));
        clock.advance(Duration.ofMinutes(3));
        activity.sample();
        totals.set(new Metrics.Totals(0, 0, Map.of("/oauth2/token", new Metrics.Requests(31, 1.601, 0.001))));

        Activity.Endpoint token = activity.view().slowest().get(0);
        assertEquals(300.0, token.maxMillis(), 1e-9, "the longest sampled within the last five minutes");
    }
}
