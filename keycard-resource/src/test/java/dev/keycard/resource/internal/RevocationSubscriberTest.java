package dev.keycard.resource.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The revocation event stream read from a real Server-Sent Events server on loopback: each
 * connection the subscriber opens runs the next script of the test, which writes events and then
 * either ends the response or holds the connection open without a byte (a dead peer).
 */
class RevocationSubscriberTest {

    private static final long FUTURE_EXP = Instant.now().plusSeconds(3600).getEpochSecond();
    private static final Instant ISSUED = Instant.ofEpochSecond(1_800_000_000L);

    /** What one connection does with its open response body. */
    private interface Script {
        void run(OutputStream out) throws Exception;
    }

    private final List<Script> scripts = new CopyOnWriteArrayList<>();
    private final List<@Nullable String> lastEventIds = new CopyOnWriteArrayList<>();
    private final List<@Nullable String> authorizations = new CopyOnWriteArrayList<>();
    private final CountDownLatch end = new CountDownLatch(1);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private HttpServer server;
    private RevocationSubscriber subscriber;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(pool); // a held connection must not block the next one
        server.createContext("/events", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        if (subscriber != null) {
            subscriber.close();
        }
        end.countDown();
        server.stop(0);
        pool.shutdownNow();
    }

    @Test
    void readWhenEventsArriveThenRevokedByJtiAndByClientWithCommentsAndMalformedEventsSkipped() throws Exception {
        scripts.add(out -> {
            write(out, ": keep-alive\n\n");
            write(out, "id: 1\nevent: token_revoked\ndata: {\"jti\":\"t-1\",\"exp\":" + FUTURE_EXP + "}\n\n");
            write(out, "id: 2\nevent: token_revoked\ndata: not json\n\n");
            write(out, "id: 3\nevent: client_tokens_revoked\ndata: {\"client_id\":\"batch\",\n"
                    + "data: \"revoked_before\":" + ISSUED.getEpochSecond() + "}\n\n");
            hold();
        });
        subscribe(RevocationSubscriber.SILENCE);

        awaitTrue(() -> subscriber.toString().contains("lastEventId=3"), "the three events were read");
        assertTrue(subscriber.isRevoked("t-1", "other", ISSUED), "revoked by jti");
        assertFalse(subscriber.isRevoked("t-2", "other", ISSUED));
        assertTrue(subscriber.isRevoked("t-2", "batch", ISSUED), "a token of the client issued at the revocation time");
        assertFalse(subscriber.isRevoked("t-2", "batch", ISSUED.plusSeconds(1)), "a later token of the client");
        assertNull(subscriber.downSince(), "streaming");
        assertEquals("Bearer subscriber-credentials", authorizations.get(0));
    }

    @Test
    void resetWhenReadyArrivesThenTheNewListReplacesTheOldOneAndNotBefore() throws Exception {
        CountDownLatch sendReady = new CountDownLatch(1);
        scripts.add(out -> {
            write(out, "id: 1\nevent: token_revoked\ndata: {\"jti\":\"old\",\"exp\":" + FUTURE_EXP + "}\n\n");
            write(out, "event: reset\ndata: {}\n\n");
            write(out, "id: 2\nevent: token_revoked\ndata: {\"jti\":\"new\",\"exp\":" + FUTURE_EXP + "}\n\n");
            sendReady.await();
            write(out, "event: ready\ndata: {}\n\n");
            hold();
        });
        subscribe(RevocationSubscriber.SILENCE);

        awaitTrue(() -> subscriber.toString().contains("pendingEventId=2"), "the list after the reset was read");
        assertTrue(subscriber.toString().contains("lastEventId=1,"), "an unfinished list is no place to resume from");
        assertTrue(subscriber.isRevoked("old", "c", ISSUED), "the old list holds until ready");
        assertFalse(subscriber.isRevoked("new", "c", ISSUED), "a half-received list is not used");

        sendReady.countDown();
        awaitTrue(() -> subscriber.isRevoked("new", "c", ISSUED), "the new list is used after ready");
        assertFalse(subscriber.isRevoked("old", "c", ISSUED), "the reset dropped what it did not repeat");
        awaitTrue(() -> subscriber.toString().contains("lastEventId=2,"), "the finished list is where to resume");
    }

    @Test
    void reconnectWhenTheStreamEndsThenResumesFromTheLastEventId() throws Exception {
        scripts.add(out -> write(out, "id: 41\nevent: token_revoked\ndata: {\"jti\":\"a\",\"exp\":" + FUTURE_EXP + "}\n\n"));
        scripts.add(out -> {
            write(out, "id: 42\nevent: token_revoked\ndata: {\"jti\":\"b\",\"exp\":" + FUTURE_EXP + "}\n\n");
            hold();
        });
        subscribe(RevocationSubscriber.SILENCE);

        awaitTrue(() -> subscriber.isRevoked("b", "c", ISSUED), "the second connection's event arrived");
        assertTrue(subscriber.isRevoked("a", "c", ISSUED), "the first connection's event is kept");
        assertNull(lastEventIds.get(0), "the first connection starts from nothing");
        assertEquals("41", lastEventIds.get(1), "the second resumes after the last event it saw");
    }

    @Test
    void reconnectWhenTheStreamEndsBeforeReadyThenNoLastEventIdAndTheNextFullListIsUsed() throws Exception {
        scripts.add(out -> {
            write(out, "event: reset\ndata: {}\n\n");
            write(out, "id: 3\nevent: token_revoked\ndata: {\"jti\":\"half\",\"exp\":" + FUTURE_EXP + "}\n\n");
        }); // cut off before ready: the server dropped a subscriber that read too slowly
        scripts.add(out -> {
            write(out, "event: reset\ndata: {}\n\n");
            write(out, "id: 4\nevent: token_revoked\ndata: {\"jti\":\"listed\",\"exp\":" + FUTURE_EXP + "}\n\n");
            write(out, "event: ready\ndata: {}\n\n");
            write(out, "id: 5\nevent: token_revoked\ndata: {\"jti\":\"later\",\"exp\":" + FUTURE_EXP + "}\n\n");
            hold();
        });
        subscribe(RevocationSubscriber.SILENCE);

        awaitTrue(() -> subscriber.isRevoked("later", "c", ISSUED), "the event after the second list arrived");
        assertTrue(subscriber.isRevoked("listed", "c", ISSUED), "the second list is used");
        assertFalse(subscriber.isRevoked("half", "c", ISSUED), "the cut-off list never was");
        assertEquals(2, lastEventIds.size());
        assertNull(lastEventIds.get(1), "no list was ever complete, so no id to resume from");
    }

    @Test
    void reconnectWhenAResetWasCutOffThenResumesFromTheIdBeforeItIntoTheLiveList() throws Exception {
        scripts.add(out -> {
            write(out, "id: 5\nevent: token_revoked\ndata: {\"jti\":\"before\",\"exp\":" + FUTURE_EXP + "}\n\n");
            write(out, "event: reset\ndata: {}\n\n");
            write(out, "id: 9\nevent: token_revoked\ndata: {\"jti\":\"half\",\"exp\":" + FUTURE_EXP + "}\n\n");
        });
        scripts.add(out -> { // a resume: no reset, so no ready either
            write(out, "id: 10\nevent: token_revoked\ndata: {\"jti\":\"after\",\"exp\":" + FUTURE_EXP + "}\n\n");
            hold();
        });
        subscribe(RevocationSubscriber.SILENCE);

        awaitTrue(() -> subscriber.isRevoked("after", "c", ISSUED), "the resumed stream's event is used");
        assertTrue(subscriber.isRevoked("before", "c", ISSUED), "the list before the cut-off reset is kept");
        assertEquals("5", lastEventIds.get(1), "resumes from before the reset, not from inside it");
    }

    @Test
    void watchdogWhenTheConnectionGoesSilentThenReconnects() throws Exception {
        scripts.add(out -> {
            write(out, "id: 7\nevent: token_revoked\ndata: {\"jti\":\"before\",\"exp\":" + FUTURE_EXP + "}\n\n");
            hold(); // open, but not a byte more: a dropped NAT entry looks like this
        });
        scripts.add(out -> {
            write(out, "id: 8\nevent: token_revoked\ndata: {\"jti\":\"after\",\"exp\":" + FUTURE_EXP + "}\n\n");
            hold();
        });
        subscribe(Duration.ofMillis(600));

        awaitTrue(() -> subscriber.isRevoked("after", "c", ISSUED), "a new connection after the silence");
        assertEquals("7", lastEventIds.get(1));
    }

    @Test
    void downSinceWhenTheServerRefusesThenSetAndRetried() throws Exception {
        scripts.add(null); // answered 503 by answer()
        scripts.add(null);
        scripts.add(out -> {
            write(out, "id: 1\nevent: token_revoked\ndata: {\"jti\":\"x\",\"exp\":" + FUTURE_EXP + "}\n\n");
            hold();
        });
        subscribe(RevocationSubscriber.SILENCE);
        Instant started = subscriber.downSince();

        // The second attempt comes after the first refusal was handled, and the third 2 s later.
        awaitTrue(() -> lastEventIds.size() >= 2, "retried after the first 503");
        Instant down = subscriber.downSince();
        assertNotNull(down, "a refusal is not a stream");
        assertEquals(started, down, "the outage counts from the start, not from the last refusal");

        awaitTrue(() -> subscriber.isRevoked("x", "c", ISSUED), "retried after the 503");
        assertNull(subscriber.downSince());
    }

    private void subscribe(Duration silence) {
        URI events = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events");
        subscriber = new RevocationSubscriber(() -> CompletableFuture.completedFuture(events),
                "Bearer subscriber-credentials", HttpClient.newHttpClient(), Clock.systemUTC(), silence);
    }

    private void answer(HttpExchange exchange) throws IOException {
        int n = lastEventIds.size();
        lastEventIds.add(exchange.getRequestHeaders().getFirst("Last-Event-ID"));
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        Script script = n < scripts.size() ? scripts.get(n) : null;
        if (script == null) {
            exchange.sendResponseHeaders(n < scripts.size() ? 503 : 404, -1);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            script.run(out);
        } catch (IOException closedByTheSubscriber) {
            // the subscriber hung up: what the watchdog test wants
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
    }

    private void hold() throws InterruptedException {
        end.await();
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Waits for {@code condition}; the limit only keeps a broken build from hanging. */
    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > giveUp) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(20);
        }
    }
}
