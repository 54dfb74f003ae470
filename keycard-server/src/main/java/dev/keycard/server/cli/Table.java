package dev.keycard.server.cli;

import io.vertx.core.json.JsonArray;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * Text laid out in aligned columns for people: a header row and data rows, or label/value pairs.
 * Cells are {@linkplain #clean cleaned}, so text from the server cannot move the terminal's cursor.
 */
final class Table {

    private static final String GAP = "  ";

    private final List<String[]> rows = new ArrayList<>();

    private Table() {
    }

    /** A table whose first row is {@code headers}. */
    static Table withHeaders(String... headers) {
        return new Table().row((Object[]) headers);
    }

    /** A table without a header, for {@code label: value} pairs. */
    static Table fields() {
        return new Table();
    }

    /** Adds a row; each value is shown by {@link #clean}. */
    Table row(@Nullable Object... cells) {
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = clean(cells[i]);
        }
        rows.add(row);
        return this;
    }

    /** Prints every row, each column as wide as its widest cell; the last column is not padded. */
    void print(PrintWriter out) {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length())).append(GAP);
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** A value as one line of plain text: {@code -} for null, control characters as {@code ?}. */
    static String clean(@Nullable Object value) {
        if (value == null) {
            return "-";
        }
        String text = value.toString();
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }

    /** A JSON array of strings joined by {@code separator}; {@code -} when empty or absent. */
    static String join(@Nullable Object array, String separator) {
        if (!(array instanceof JsonArray values) || values.isEmpty()) {
            return "-";
        }
        StringJoiner joined = new StringJoiner(separator);
        for (Object value : values) {
            joined.add(clean(value));
        }
        return joined.toString();
    }

    /** {@code yes} or {@code no} for a JSON boolean, {@code -} for anything else. */
    static String yesNo(@Nullable Object value) {
        if (value instanceof Boolean flag) {
            return flag ? "yes" : "no";
        }
        return "-";
    }
}
