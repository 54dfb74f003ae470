package dev.keycard.server.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.testing.Postgres;
import dev.keycard.server.testing.TcpProxy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The change feed after its connection is cut: it reconnects, rereads what it may have missed,
 * and retries a reread that fails (the pool may not have its connections back yet) without
 * waiting for the next full reload; and after its connection goes dead without being closed, it
 * finds out by its heartbeat and reconnects.
 */
class ChangeFeedTest {

    private static final Pattern AUTHORITY = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?/");
    private static final Duration NEVER = Duration.ofHours(1);

    @Test
    void rereadWhenItFailsAfterReconnectingThenRetriedBeforeTheNextFullReload() throws Exception {
        try (Postgres pg = Postgres.schema()) {
            Matcher m = AUTHORITY.matcher(pg.url());
            assertTrue(m.find(), "a PostgreSQL URL with host and port: " + pg.url());
            try (TcpProxy proxy = TcpProxy.to(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
                 Database viaProxy = Database.open(m.replaceFirst("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/"),
                         "", "", 2);
                 Database direct = Database.open(pg.url(), "", "", 2);
                 ChangeFeed feed = new ChangeFeed(viaProxy, NEVER);
                 ChangeFeed other = new ChangeFeed(direct, NEVER)) {
                AtomicInteger heard = new AtomicInteger();
                AtomicBoolean failNext = new AtomicBoolean();
                AtomicBoolean failed = new AtomicBoolean();
                CountDownLatch retried = new CountDownLatch(1);
                feed.start(Map.of(ChangeFeed.Topic.REGISTRY, () -> {
                    heard.incrementAndGet();
                    if (failNext.getAndSet(false)) {
                        failed.set(true);
                        throw new StoreException("store operation failed", new SQLException("no connection", "08001"));
                    }
                    if (failed.get()) {
                        retried.countDown();
                    }
                }));
                // Publish until the feed hears it: then it is listening.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (heard.get() == 0 && System.nanoTime() < deadline) {
                    other.publish(ChangeFeed.Topic.REGISTRY);
                    Thread.sleep(200);
                }
                assertTrue(heard.get() > 0, "the feed listens");
                Thread.sleep(1_000); // notifications still on their way arrive; nobody publishes from now on
                failNext.set(true);

                proxy.cut();
                Thread.sleep(500);
                proxy.restore();

                // Nobody publishes and the full reload is an hour away: only a retry calls the listener again.
                assertTrue(retried.await(15, TimeUnit.SECONDS), "the reread that failed after reconnecting is retried");
            }
        }
    }

    @Test
    void heartbeatWhenTheListeningConnectionGoesSilentThenReconnectsAndRereads() throws Exception {
        try (Postgres pg = Postgres.schema()) {
            Matcher m = AUTHORITY.matcher(pg.url());
            assertTrue(m.find(), "a PostgreSQL URL with host and port: " + pg.url());
            try (TcpProxy proxy = TcpProxy.to(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
                 Database viaProxy = Database.open(m.replaceFirst("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/"),
                         "", "", 2);
                 Database direct = Database.open(pg.url(), "", "", 2);
                 ChangeFeed feed = new ChangeFeed(viaProxy, NEVER, Duration.ofMillis(700));
                 ChangeFeed other = new ChangeFeed(direct, NEVER)) {
                AtomicInteger heard = new AtomicInteger();
                feed.start(Map.of(ChangeFeed.Topic.REGISTRY, heard::incrementAndGet));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (heard.get() == 0 && System.nanoTime() < deadline) {
                    other.publish(ChangeFeed.Topic.REGISTRY);
                    Thread.sleep(200);
                }
                assertTrue(heard.get() > 0, "the feed listens");
                Thread.sleep(1_000); // notifications still on their way arrive
                int before = heard.get();

                proxy.freeze(); // open, but silent both ways: no notification gets through any more
                other.publish(ChangeFeed.Topic.REGISTRY);

                // The full reload is an hour away and the frozen connection carries nothing: only
                // a new connection (and the reread after its LISTEN) calls the listener again.
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (heard.get() == before && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(heard.get() > before, "the feed found its connection dead and reread after reconnecting");
            }
        }
    }
}
