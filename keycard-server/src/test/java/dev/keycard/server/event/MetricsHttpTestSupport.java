package dev.keycard.server.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keycard.server.testing.Http;
import java.net.http.HttpResponse;
import java.util.Map;

/** Reads one sample from a running Keycard's {@code /metrics}. */
final class MetricsHttpTestSupport {

    private MetricsHttpTestSupport() {
    }

    static double value(Http http, String name, Map<String, String> labels) {
        HttpResponse<String> r = http.get("/metrics");
        assertEquals(200, r.statusCode(), r.body());
        return Scrape.parse(r.body()).value(name, labels);
    }
}
