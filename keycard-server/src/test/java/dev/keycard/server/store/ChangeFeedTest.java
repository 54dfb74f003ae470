package dev.keycard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.store.ChangeLog.Change;
import dev.keycard.server.store.ChangeLog.Entry;
import dev.keycard.server.testing.Eventually;
import dev.keycard.server.testing.Postgres;
import dev.keycard.server.testing.TcpProxy;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The change feed on PostgreSQL: it hands on what other nodes change as they notify; after its
 * connection is cut or goes silent it reconnects and reads from the log what it missed, and only
 * that; a reread that fails is retried without waiting for the safety net; and only a node away
 * longer than the log keeps changes reads everything again.
 */
class ChangeFeedTest {

    private static final Pattern AUTHORITY = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?/");
    private static final Duration NEVER = Duration.ofHours(1);

    /** What a follower was handed. */
    private static final class Heard implements ChangeFeed.Follower {
        final List<Entry> changes = new CopyOnWriteArrayList<>();
        final AtomicInteger fullReads = new AtomicInteger();
        final AtomicBoolean failNext = new AtomicBoolean();

        @Override
        public void changed(List<Entry> entries) {
            if (failNext.getAndSet(false)) {
                throw new StoreException("store operation failed", new SQLException("no connection", "08001"));
            }
            changes.addAll(entries);
        }

        @Override
        public void reloadAll() {
            fullReads.incrementAndGet();
        }

        List<String> ids() {
            return changes.stream().map(Entry::id).toList();
        }
    }

    @Test
    void notifiedWhenAnotherNodeChangesThenHandedOnOnceAndOwnSkipped() throws Exception {
        try (Postgres pg = Postgres.schema();
             Database mine = Database.open(pg.url(), "", "", 2);
             Database other = Database.open(pg.url(), "", "", 2);
             ChangeFeed feed = new ChangeFeed(mine, NEVER)) {
            Heard heard = new Heard();
            feed.start(current(mine), heard);
            // Record until the feed hears: then it is listening.
            assertTrue(Eventually.within(Duration.ofSeconds(15), () -> {
                record(other, Change.client("early"));
                return !heard.changes.isEmpty();
            }), "the feed listens");
            Thread.sleep(500); // notifications on their way arrive
            int before = heard.changes.size();
            record(other, Change.client("kc_one"));
            record(mine, Change.api("https://mine.example")); // its own: in memory already
            assertTrue(Eventually.within(Duration.ofSeconds(5), () -> heard.ids().contains("kc_one")));
            Thread.sleep(300);
            assertEquals(List.of("kc_one"), heard.ids().subList(before, heard.changes.size()),
                    "another node's change is handed on once; this node's own is not");
            assertEquals(current(mine), feed.watermark(), "the watermark follows both");
            assertEquals(0, heard.fullReads.get());
        }
    }

    @Test
    void reconnectedWhen1000ChangesMissedThenReadFromTheLogAndAFailedRereadRetried() throws Exception {
        try (Postgres pg = Postgres.schema()) {
            Matcher m = AUTHORITY.matcher(pg.url());
            assertTrue(m.find(), "a PostgreSQL URL with host and port: " + pg.url());
            try (TcpProxy proxy = TcpProxy.to(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
                 Database viaProxy = Database.open(m.replaceFirst("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/"),
                         "", "", 2);
                 Database direct = Database.open(pg.url(), "", "", 2);
                 ChangeFeed feed = new ChangeFeed(viaProxy, NEVER)) {
                Heard heard = new Heard();
                feed.start(current(direct), heard);
                assertTrue(Eventually.within(Duration.ofSeconds(15), () -> {
                    record(direct, Change.client("early"));
                    return !heard.changes.isEmpty();
                }), "the feed listens");
                Thread.sleep(500); // notifications on their way arrive
                heard.changes.clear();
                heard.failNext.set(true);

                proxy.cut();
                List<String> missed = new ArrayList<>();
                for (int i = 0; i < 1_000; i++) {
                    missed.add("kc_" + i);
                }
                for (int from = 0; from < missed.size(); from += 100) {
                    List<Change> batch = missed.subList(from, from + 100).stream().map(Change::client).toList();
                    direct.transaction(c -> direct.changes().record(c, batch, Instant.now()));
                }
                proxy.restore();

                // The safety net is an hour away: only reconnecting, reading the log, failing
                // once and trying again hands on the changes.
                assertTrue(Eventually.within(Duration.ofSeconds(20), () -> heard.changes.size() >= 1_000));
                assertEquals(missed, heard.ids(), "each change missed, once, in order");
                assertEquals(0, heard.fullReads.get(), "no full reread");
                assertEquals(current(direct), feed.watermark());
            }
        }
    }

    @Test
    void heartbeatWhenListeningConnectionSilentThenReconnectsAndReadsTheChange()
            throws Exception {
        try (Postgres pg = Postgres.schema()) {
            Matcher m = AUTHORITY.matcher(pg.url());
            assertTrue(m.find(), "a PostgreSQL URL with host and port: " + pg.url());
            try (TcpProxy proxy = TcpProxy.to(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
                 Database viaProxy = Database.open(m.replaceFirst("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/"),
                         "", "", 2);
                 Database direct = Database.open(pg.url(), "", "", 2);
                 ChangeFeed feed = new ChangeFeed(viaProxy, NEVER, Duration.ofMillis(700))) {
                Heard heard = new Heard();
                feed.start(current(direct), heard);
                assertTrue(Eventually.within(Duration.ofSeconds(15), () -> {
                    record(direct, Change.client("early"));
                    return !heard.changes.isEmpty();
                }), "the feed listens");

                proxy.freeze(); // open, but silent both ways: no notification gets through any more
                record(direct, Change.client("kc_while_frozen"));

                assertTrue(Eventually.within(Duration.ofSeconds(20), () -> heard.ids().contains("kc_while_frozen")));
                assertEquals(0, heard.fullReads.get());
            }
        }
    }

    @Test
    void catchUpWhenTheLogLostChangesSinceTheWatermarkThenFullReread() throws Exception {
        try (Postgres pg = Postgres.schema();
             Database mine = Database.open(pg.url(), "", "", 2);
             Database other = Database.open(pg.url(), "", "", 2)) {
            long seq = current(mine);
            record(other, Change.client("kc_gone"));
            record(other, Change.client("kc_kept"));
            // The first change is purged, as an hour later.
            other.transaction(c -> {
                try (var ps = c.prepareStatement("DELETE FROM changes WHERE entity_id = 'kc_gone'")) {
                    return ps.executeUpdate();
                }
            });
            try (ChangeFeed feed = new ChangeFeed(mine, NEVER)) {
                Heard heard = new Heard();
                feed.start(seq, heard);
                assertTrue(Eventually.within(Duration.ofSeconds(15), () -> heard.fullReads.get() == 1));
                assertEquals(Collections.emptyList(), heard.changes, "the log is not trusted across a gap");
                assertEquals(current(mine), feed.watermark());
            }
        }
    }

    private static long current(Database db) {
        return db.transaction(c -> db.changes().current(c));
    }

    private static void record(Database db, Change change) {
        db.transaction(c -> db.changes().record(c, change, Instant.now()));
    }
}
