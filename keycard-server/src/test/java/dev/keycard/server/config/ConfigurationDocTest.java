package dev.keycard.server.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every key the server reads, so the two cannot drift apart. */
class ConfigurationDocTest {

    @Test
    void docWhenReadThenEveryKeyIsInTheTable() throws IOException {
        String doc = Files.readString(Path.of("../docs/configuration.md"));
        for (Setting<?> s : Settings.ALL) {
            assertTrue(doc.contains("| `" + s.key() + "` |"), "docs/configuration.md lacks " + s.key());
        }
    }
}
