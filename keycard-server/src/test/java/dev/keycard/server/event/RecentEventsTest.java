package dev.keycard.server.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's recent events: newest first, and a flood of one type keeps the others. */
class RecentEventsTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    private static AuditEvent event(String type, String client) {
        return new AuditEvent(type, NOW, client, Map.of());
    }

    @Test
    void newestWhenOneTypeFloodsThenTheOthersAreStillThereInTheOrderWritten() {
        RecentEvents recent = new RecentEvents();
        recent.write(List.of(event("admin.change", "admin"), event("key.removed", null)));
        List<AuditEvent> flood = new ArrayList<>();
        for (int i = 0; i < RecentEvents.CAPACITY * 3; i++) {
            flood.add(event("client.auth_failed", "made-up-" + i));
        }
        recent.write(flood);
        recent.write(List.of(event("console.sign-in", "admin")));

        List<AuditEvent> newest = recent.newest(e -> true, 3);
        assertEquals(List.of("console.sign-in", "client.auth_failed", "client.auth_failed"),
                newest.stream().map(AuditEvent::type).toList(), "newest first, by the order written");
        assertEquals(List.of("key.removed", "admin.change"), recent.newest(e -> !e.type().equals("client.auth_failed")
                && !e.type().equals("console.sign-in"), 10).stream().map(AuditEvent::type).toList(),
                "the flood pushed out none of the others");
        assertEquals(RecentEvents.CAPACITY, recent.newest(e -> e.type().equals("client.auth_failed"), 5_000).size(),
                "each type keeps its last " + RecentEvents.CAPACITY);
        assertEquals("made-up-" + (RecentEvents.CAPACITY * 3 - 1),
                recent.newest(e -> e.type().equals("client.auth_failed"), 1).get(0).clientId());
    }
}
