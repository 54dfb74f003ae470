package dev.keycard.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The repositories' statement builders: parameter marks, VALUES rows, and lists cut into statements. */
class JdbcTest {

    @Test
    void piecesWhenTheListIsNotAMultipleThenTheLastIsShorterAndNothingIsLost() {
        assertEquals(List.of(List.of(1, 2), List.of(3, 4), List.of(5)), Jdbc.pieces(List.of(1, 2, 3, 4, 5), 2));
        assertEquals(List.of(List.of(1, 2)), Jdbc.pieces(List.of(1, 2), 2));
        assertEquals(List.of(), Jdbc.pieces(List.of(), 2));
    }

    @Test
    void marksAndRowsWhenAskedThenThatManyParameters() {
        assertEquals("?, ?, ?", Jdbc.marks(3));
        assertEquals("(?, ?), (?, ?)", Jdbc.rows(2, 2));
    }
}
