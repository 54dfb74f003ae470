package dev.keycard.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Small conversions shared by the repositories: instants are stored as epoch milliseconds. */
final class Jdbc {

    /**
     * The most rows one multi-row statement carries: with four columns, 4,000 parameters, well
     * under SQLite's 32,766 and PostgreSQL's 65,535.
     */
    static final int ROWS_PER_STATEMENT = 1_000;

    private Jdbc() {
    }

    /** {@code ?, ?, …}: {@code n} parameters, for an IN list or a row. */
    static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /** {@code all} in consecutive pieces of at most {@code size} (views of it), for statements of bounded size. */
    static <T> List<List<T>> pieces(List<T> all, int size) {
        List<List<T>> out = new ArrayList<>((all.size() + size - 1) / size);
        for (int from = 0; from < all.size(); from += size) {
            out.add(all.subList(from, Math.min(all.size(), from + size)));
        }
        return out;
    }

    /** {@code (?, ?), (?, ?), …}: {@code rows} rows of {@code columns} parameters, for a VALUES list. */
    static String rows(int rows, int columns) {
        return String.join(", ", Collections.nCopies(rows, "(" + marks(columns) + ")"));
    }

    static void setInstant(PreparedStatement ps, int index, @Nullable Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value.toEpochMilli());
        }
    }

    static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    static Instant requiredInstant(ResultSet rs, String column) throws SQLException {
        return Instant.ofEpochMilli(rs.getLong(column));
    }
}
