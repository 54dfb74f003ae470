package dev.keycard.server.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code jti} of every client assertion accepted, kept until the assertion expires, so that
 * each is used once on every node and across restarts (RFC 7523 §3 item 7). A use is kept as a
 * 128-bit id, the first half of SHA-256 over the client's id, a NUL and the {@code jti}: two uses
 * share an id only if they are the same use, or by a chance of 2^-128 a pair (a node would
 * then refuse one fresh assertion as a replay, never accept a replayed one). The same SQL on
 * SQLite (3.24+) and PostgreSQL (9.5+): an insert that conflicts with a live row changes nothing
 * (a replay), one that conflicts with an expired row takes it over (the client may reuse a
 * {@code jti} once its earlier assertion is dead).
 */
public final class AssertionJtiRepository {

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    });

    /** One accepted assertion: its client, its {@code jti}, its {@code exp}. */
    public record Use(String clientId, String jti, Instant expiresAt) {
    }

    /** A use's row key: its id as two big-endian longs. */
    record Id(long high, long low) {
    }

    /**
     * A use's id as its row keeps it: the first 16 bytes of SHA-256 over the client's id in UTF-8,
     * a NUL byte (which a client id never holds, so that "a" + "bc" and "ab" + "c" differ) and the
     * {@code jti} in UTF-8.
     */
    static Id idOf(String clientId, String jti) {
        MessageDigest sha256 = SHA256.get();
        sha256.reset();
        sha256.update(clientId.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        ByteBuffer digest = ByteBuffer.wrap(sha256.digest(jti.getBytes(StandardCharsets.UTF_8)));
        return new Id(digest.getLong(), digest.getLong());
    }

    /**
     * Records the uses in one statement, atomic on its own, so that it may run without a
     * transaction around it ({@link Database#autocommit}): one round trip however many there are
     * (a multi-row insert; the rows it wrote come back through {@code RETURNING}, which SQLite
     * 3.35+ and PostgreSQL both have).
     *
     * @return for each use, whether it is the first (false: a live row holds its {@code jti},
     *     also one earlier in the same list)
     */
    public boolean[] record(Connection c, List<Use> uses, Instant now) throws SQLException {
        boolean[] first = new boolean[uses.size()];
        // The same id twice in one statement is an error on PostgreSQL: only its first use goes in.
        Map<Id, Integer> firstIndex = new HashMap<>();
        List<Id> written = new ArrayList<>(uses.size());
        for (int i = 0; i < uses.size(); i++) {
            Id key = idOf(uses.get(i).clientId(), uses.get(i).jti());
            if (firstIndex.putIfAbsent(key, i) == null) {
                written.add(key);
            }
        }
        // Rows in key order: transactions that insert some of the same keys at once (on several
        // nodes) wait for each other in one order, never in a cycle (a deadlock).
        written.sort(Comparator.comparingLong(Id::high).thenComparingLong(Id::low));
        String sql = "INSERT INTO client_assertion_ids (id_high, id_low, expires_at) VALUES "
                + Jdbc.rows(written.size(), 3)
                + " ON CONFLICT (id_high, id_low) DO UPDATE SET expires_at = excluded.expires_at"
                + " WHERE client_assertion_ids.expires_at <= ? RETURNING id_high, id_low";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            for (Id id : written) {
                ps.setLong(p++, id.high());
                ps.setLong(p++, id.low());
                Jdbc.setInstant(ps, p++, uses.get(firstIndex.get(id)).expiresAt());
            }
            Jdbc.setInstant(ps, p, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Integer i = firstIndex.get(new Id(rs.getLong(1), rs.getLong(2)));
                    if (i != null) {
                        first[i] = true;
                    }
                }
            }
        }
        return first;
    }

    /** The latest {@code exp} among the recorded uses, expired or not; empty when there is none. */
    public Optional<Instant> latestExpiry(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT max(expires_at) AS latest FROM client_assertion_ids");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(Jdbc.instant(rs, "latest")) : Optional.empty();
        }
    }

    /** Deletes the rows of assertions that have expired; returns how many. */
    public int purge(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM client_assertion_ids WHERE expires_at <= ?")) {
            Jdbc.setInstant(ps, 1, now);
            return ps.executeUpdate();
        }
    }
}
