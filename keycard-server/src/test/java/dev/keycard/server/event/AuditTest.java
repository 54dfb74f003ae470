package dev.keycard.server.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuditTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void emitWhenQueueFullThenDroppedAndCountedWithoutBlocking() throws InterruptedException {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<AuditEvent> written = new CopyOnWriteArrayList<>();
        AuditSink blocked = batch -> {
            writing.countDown();
            awaitQuietly(release);
            written.addAll(batch);
        };
        Audit audit = new Audit(blocked, CLOCK, 2);
        audit.emit("test.first", "c", Map.of());
        assertTrue(writing.await(5, TimeUnit.SECONDS), "the writer took the first event and is stuck in the sink");

        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
            for (int i = 0; i < 5; i++) { // 2 fit in the queue, 3 do not
                audit.emit("test.more", "c", Map.of("n", i));
            }
        }, "emit must never wait for the sink");

        assertEquals(3, audit.dropped());
        release.countDown();
        audit.close();
        assertEquals(List.of("test.first", "test.more", "test.more"), written.stream().map(AuditEvent::type).toList());
        assertEquals(3, audit.dropped(), "nothing more was lost");
    }

    @Test
    void closeWhenEventsQueuedThenSinkReceivesAllInOrder() {
        List<AuditEvent> written = new CopyOnWriteArrayList<>();
        Audit audit = new Audit(written::addAll, CLOCK);
        for (int i = 0; i < 1_000; i++) {
            audit.emit("test.event", null, Map.of("n", i));
        }

        audit.close();

        assertEquals(1_000, written.size());
        for (int i = 0; i < 1_000; i++) {
            assertEquals(i, written.get(i).details().get("n"));
        }
        audit.emit("test.late", null, Map.of());
        assertEquals(1, audit.dropped(), "an event after close is counted as lost");
    }

    @Test
    void emitWhenSinkThrowsThenBatchCountedAsDroppedAndWriterKeepsGoing() throws InterruptedException {
        List<AuditEvent> written = new CopyOnWriteArrayList<>();
        CountDownLatch failed = new CountDownLatch(1);
        Audit audit = new Audit(batch -> {
            if (batch.get(0).type().equals("test.poison")) {
                failed.countDown();
                throw new IllegalStateException("disk full");
            }
            written.addAll(batch);
        }, CLOCK);
        audit.emit("test.poison", null, Map.of());
        assertTrue(failed.await(5, TimeUnit.SECONDS));
        audit.emit("test.after", null, Map.of());

        audit.close();

        assertEquals(List.of("test.after"), written.stream().map(AuditEvent::type).toList());
        assertEquals(1, audit.dropped());
    }

    @Test
    void toJsonWhenDetailsThenOneJsonLineInStableOrder() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("jti", "abc\"\n\u0001");
        details.put("held_back", 3L);
        details.put("active", true);
        AuditEvent event = new AuditEvent("token.revoked", CLOCK.instant(), "batch-worker", details);

        String json = event.toJson();

        assertEquals("{\"type\":\"token.revoked\",\"time\":\"2026-11-24T10:00:00Z\",\"client_id\":\"batch-worker\","
                + "\"jti\":\"abc\\\"\\n\\u0001\",\"held_back\":3,\"active\":true}", json);
        assertEquals("abc\"\n\u0001", new JsonObject(json).getString("jti"), "it is JSON that parses back");
    }

    @Test
    void eventWhenValueLooksLikeSecretOrTokenThenRedacted() {
        AuditEvent event = new AuditEvent("client.auth_failed", CLOCK.instant(), "kcs_AbCdEf0123456789",
                Map.of("token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "reason", "wrong_secret"));

        assertEquals(AuditEvent.REDACTED, event.clientId());
        assertEquals(AuditEvent.REDACTED, event.details().get("token"));
        assertEquals("wrong_secret", event.details().get("reason"));
        assertFalse(event.toJson().contains("kcs_") || event.toJson().contains("eyJ"), event.toJson());
    }

    @Test
    void eventWhenDetailReservedOrNotScalarThenRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new AuditEvent("x", CLOCK.instant(), null, Map.of("client_id", "a")));
        assertThrows(IllegalArgumentException.class,
                () -> new AuditEvent("x", CLOCK.instant(), null, Map.of("list", List.of("a"))));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
