package dev.keycard.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The store's record of what changed, in commit order (table {@code changes}, migration V6): how
 * the nodes sharing a PostgreSQL store keep their memory current by rereading only the rows that
 * moved. A write adds its changes in its own transaction ({@link #record}); on PostgreSQL that
 * also sends one {@code NOTIFY} naming them, which PostgreSQL delivers when, and only if, the
 * transaction commits. A listening node ({@link ChangeFeed}) rereads what a notification names,
 * and keeps the sequence number it has seen (its watermark): after missing notifications it reads
 * the log from there instead of everything.
 *
 * <p>Sequence numbers come from one row that every writer increments: the row stays locked until
 * the writer commits, so numbers follow commit order and have no gaps (a rollback takes its number
 * back). A reader that has seen number N has seen every change up to N. The cost is that writes
 * recording changes commit one at a time, which admin changes and revocations can afford. Rows
 * are kept {@link #KEPT_FOR}; a node away longer reads everything again.
 */
public final class ChangeLog {

    /** What a change is about; its id names the row. */
    public enum Kind {
        /** An API (id: its identifier). */
        API,
        /** A client, its grants or secrets (id: client_id). */
        CLIENT,
        /** A revoked token (id: jti). */
        TOKEN_REVOCATION,
        /** A client's {@code revoked_before} (id: client_id). */
        CLIENT_REVOCATION,
        /** The signing keys (id: kid). */
        KEY,
        /** A trust source of workload identity federation (id: its name). */
        TRUST_SOURCE;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Kind> fromWire(String s) {
            for (Kind k : values()) {
                if (k.wire().equals(s)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty(); // a kind of a newer version: the log reader skips it
        }
    }

    /** One change to record. */
    public record Change(Kind kind, String id) {

        public static Change client(String clientId) {
            return new Change(Kind.CLIENT, clientId);
        }

        public static Change api(String identifier) {
            return new Change(Kind.API, identifier);
        }

        public static Change trustSource(String name) {
            return new Change(Kind.TRUST_SOURCE, name);
        }
    }

    /** One recorded change. */
    public record Entry(long seq, Kind kind, String id) {
    }

    /** How long changes are kept. */
    public static final java.time.Duration KEPT_FOR = java.time.Duration.ofHours(1);
    static final String CHANNEL = "keycard_changes";
    /** PostgreSQL refuses a payload of 8000 bytes or more; a longer one names only the numbers. */
    private static final int MAX_PAYLOAD = 7000;

    private final boolean sqlite;
    private final String node = UUID.randomUUID().toString().substring(0, 8);

    ChangeLog(boolean sqlite) {
        this.sqlite = sqlite;
    }

    /** This process's name in notifications, so it can tell its own from other nodes'. */
    public String node() {
        return node;
    }

    /** Records one change in the caller's transaction; returns its sequence number. */
    public long record(Connection c, Change change, Instant at) throws SQLException {
        return record(c, List.of(change), at);
    }

    /**
     * Records {@code changes} in the caller's transaction, numbered in order, and (PostgreSQL)
     * notifies the other nodes when it commits. Call it last in the transaction: from here to the
     * commit, other writers that record changes wait.
     *
     * @return the number of the last change (the current number when there are none)
     */
    public long record(Connection c, List<Change> changes, Instant at) throws SQLException {
        if (changes.isEmpty()) {
            return current(c);
        }
        long last;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE change_sequence SET seq = seq + ? WHERE id = 1 RETURNING seq")) {
            ps.setInt(1, changes.size());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                last = rs.getLong(1);
            }
        }
        long first = last - changes.size() + 1;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO changes (seq, kind, entity_id, changed_at) VALUES (?, ?, ?, ?)")) {
            long seq = first;
            for (Change change : changes) {
                ps.setLong(1, seq++);
                ps.setString(2, change.kind().wire());
                ps.setString(3, change.id());
                ps.setLong(4, at.toEpochMilli());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        if (!sqlite) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                ps.setString(1, CHANNEL);
                ps.setString(2, payload(node, first, last, changes));
                ps.execute();
            }
        }
        return last;
    }

    /**
     * A notification: {@code node first last}, and {@code kind id} when it is one change whose id
     * fits. Spaces separate the fields; an id (a client_id, API identifier, jti or kid) has none.
     */
    static String payload(String node, long first, long last, List<Change> changes) {
        String numbers = node + " " + first + " " + last;
        if (changes.size() == 1 && changes.get(0).id().length() < MAX_PAYLOAD && changes.get(0).id().indexOf(' ') < 0) {
            return numbers + " " + changes.get(0).kind().wire() + " " + changes.get(0).id();
        }
        return numbers;
    }

    /** A notification read back; {@code change} is empty for a batch. */
    record Notice(String node, long first, long last, Optional<Entry> change) {

        static Optional<Notice> parse(String payload) {
            String[] parts = payload.split(" ", 5);
            if (parts.length != 3 && parts.length != 5) {
                return Optional.empty();
            }
            try {
                long first = Long.parseLong(parts[1]);
                long last = Long.parseLong(parts[2]);
                Optional<Entry> change = parts.length == 5 && first == last
                        ? Kind.fromWire(parts[3]).map(k -> new Entry(first, k, parts[4]))
                        : Optional.empty();
                return Optional.of(new Notice(parts[0], first, last, change));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /** The number of the last change committed. */
    public long current(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT seq FROM change_sequence WHERE id = 1")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * Changes read from the log.
     *
     * @param entries the changes of kinds this version knows, oldest first
     * @param last the number of the last change read (or the number read after, if none)
     * @param more whether the log may hold more after {@code last} (a full batch was read)
     */
    public record Read(List<Entry> entries, long last, boolean more) {
    }

    /**
     * The changes after {@code seq}, at most {@code limit}; empty when the log no longer holds the
     * change right after {@code seq}: it was away longer than the log keeps changes, and must
     * read everything again.
     */
    public Optional<Read> after(Connection c, long seq, int limit) throws SQLException {
        List<Entry> out = new ArrayList<>();
        long last = seq;
        int rows = 0;
        // Read before the rows: a change committed in between is then among the rows, never
        // counted by the sequence while missing from the rows read (which would look purged).
        long current = current(c);
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, kind, entity_id FROM changes WHERE seq > ? ORDER BY seq LIMIT ?")) {
            ps.setLong(1, seq);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(1);
                    if (rows++ == 0 && n != seq + 1) {
                        return Optional.empty();
                    }
                    last = n;
                    long number = n;
                    String id = rs.getString(3);
                    Kind.fromWire(rs.getString(2)).ifPresent(k -> out.add(new Entry(number, k, id)));
                }
            }
        }
        if (rows == 0 && current > seq) {
            return Optional.empty(); // changes were committed but are gone from the log
        }
        return Optional.of(new Read(out, last, rows == limit));
    }

    /** Forgets the changes recorded before {@code before}; returns how many. */
    public int purge(Connection c, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM changes WHERE changed_at < ?")) {
            ps.setLong(1, before.toEpochMilli());
            return ps.executeUpdate();
        }
    }
}
