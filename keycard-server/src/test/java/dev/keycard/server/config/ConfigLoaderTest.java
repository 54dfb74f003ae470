package dev.keycard.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.log.LogFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.event.Level;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void loadWhenNothingGivenThenDocumentedDefaults() {
        ServerConfig c = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
        assertEquals("127.0.0.1", c.host());
        assertEquals(8080, c.port());
        assertEquals(65536, c.maxBodyBytes());
        assertEquals(Path.of("data"), c.dataDir());
        assertEquals(Path.of("data/master.key"), c.masterKeyFile());
        assertEquals(Duration.ofMinutes(15), c.tokenDefaultLifetime());
        assertEquals(Duration.ofHours(1), c.tokenMaxLifetime());
        assertEquals(Duration.ofHours(24), c.secretGracePeriod());
        assertEquals("keycard-admin", c.adminClientId());
        assertTrue(c.issuerDerived());
        assertTrue(c.useNativeCrypto());
    }

    @Test
    void loadWhenFileEnvAndFlagsThenFlagsWinOverEnvOverFile() throws IOException {
        Path file = dir.resolve("keycard.properties");
        Files.writeString(file, "http.port=9000\ntoken.max-lifetime=2h\ndata.dir=/var/keycard\n");
        ServerConfig c = ConfigLoader.load(Optional.of(file),
                Map.of("KEYCARD_HTTP_PORT", "9100", "KEYCARD_TOKEN_MAX_LIFETIME", "30m", "PATH", "/bin"),
                Map.of("http.port", "9200"));
        assertEquals(9200, c.port());
        assertEquals(Duration.ofMinutes(30), c.tokenMaxLifetime());
        assertEquals(Path.of("/var/keycard"), c.dataDir());
    }

    @Test
    void loadWhenUnknownKeyInFileThenStartStopsNamingIt() throws IOException {
        Path file = dir.resolve("keycard.properties");
        Files.writeString(file, "http.prot=9000\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("'http.prot'"), e.getMessage());
    }

    @Test
    void loadWhenUnknownKeycardVariableThenStartStopsNamingIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("KEYCARD_HTTP_PROT", "1"), Map.of()));
        assertTrue(e.getMessage().contains("KEYCARD_HTTP_PROT"), e.getMessage());
        ConfigLoader.load(Optional.empty(), Map.of("KEYCARD_URL", "http://x", "KEYCARD_CLIENT_ID", "a"), Map.of());
        ConfigLoader.load(Optional.empty(), Map.of("KEYCARD_JAVA_OPTS", "-Xmx1g",
                "KEYCARD_EXTRA_JAVA_OPTS", "-Xmx1536m"), Map.of());
    }

    @Test
    void loadWhenUnknownFlagThenStartStopsNamingIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of("colour", "red")));
        assertTrue(e.getMessage().contains("'colour'"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http.port|70000|'http.port' on the command line: must be between 0 and 65535",
        "http.port|eighty|'http.port' on the command line: must be a whole number",
        "token.max-lifetime|1y|'token.max-lifetime' on the command line: has an unknown unit 'y'",
        "token.default-lifetime|2h|token.default-lifetime (2h) must not exceed token.max-lifetime (1h)",
        "issuer|ftp://auth|'issuer' on the command line: must be an https URL",
        "issuer|https://auth/?x=1|'issuer' on the command line: must have a host and no query or fragment",
        "admin.client-secret|short|'admin.client-secret' on the command line: must be at least 32 characters",
        "admin.client-id|has space|'admin.client-id' on the command line: must be 1 to 128",
        "store.url|jdbc:mysql://x|'store.url' on the command line: must be a jdbc:postgresql: or jdbc:sqlite: URL",
        "crypto.provider|bouncy|'crypto.provider' on the command line: must be auto or jdk",
        "log.format|xml|'log.format' on the command line: must be text or json",
        "log.level|verbose|'log.level' on the command line: must be error, warn, info or debug",
        "log.level|trace|'log.level' on the command line: must be error, warn, info or debug",
        "management.port|nine|'management.port' on the command line: must be a whole number, or empty or -1 for off",
        "management.port|65536|'management.port' on the command line: must be between 0 and 65535, or empty or -1",
        "management.port|-2|'management.port' on the command line: must be between 0 and 65535, or empty or -1",
        "management.port|8080|'management.port' on the command line: must differ from http.port (8080)",
    })
    void loadWhenValueBadThenMessageNamesKeyAndWhere(String key, String value, String message) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of(key, value)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void loadWhenBadValueFromEnvironmentThenVariableNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("KEYCARD_HTTP_PORT", "-1"), Map.of()));
        assertTrue(e.getMessage().startsWith("environment variable KEYCARD_HTTP_PORT: "), e.getMessage());
    }

    @Test
    void loadWhenLogSettingsThenDefaultsTextAtInfoAndEnvironmentOverrides() throws IOException {
        ServerConfig defaults = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
        assertEquals(LogFormat.TEXT, defaults.logFormat());
        assertEquals(Level.INFO, defaults.logLevel());
        Path file = dir.resolve("keycard.properties");
        Files.writeString(file, "log.format=text\nlog.level=warn\n");
        ServerConfig c = ConfigLoader.load(Optional.of(file), Map.of("KEYCARD_LOG_FORMAT", "json"),
                Map.of("log.level", "DEBUG"));
        assertEquals(LogFormat.JSON, c.logFormat());
        assertEquals(Level.DEBUG, c.logLevel());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("KEYCARD_LOG_FORMAT", "logfmt"), Map.of()));
        assertEquals("environment variable KEYCARD_LOG_FORMAT: must be text or json", e.getMessage());
    }

    @Test
    void loadWhenManagementPortNotSetThenOffAndHostFollowsHttpHost() {
        ServerConfig defaults = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
        assertTrue(defaults.managementPort().isEmpty());
        assertEquals("127.0.0.1", defaults.managementHost());
        ServerConfig off = ConfigLoader.load(Optional.empty(), Map.of("KEYCARD_MANAGEMENT_PORT", "-1"),
                Map.of("http.host", "0.0.0.0"));
        assertTrue(off.managementPort().isEmpty());
        assertEquals("0.0.0.0", off.managementHost());
    }

    @Test
    void loadWhenManagementPortSetThenItAndItsHostAreRead() {
        ServerConfig c = ConfigLoader.load(Optional.empty(), Map.of("KEYCARD_MANAGEMENT_PORT", "9000"),
                Map.of("management.host", "10.0.0.5"));
        assertEquals(OptionalInt.of(9000), c.managementPort());
        assertEquals("10.0.0.5", c.managementHost());
        assertEquals(OptionalInt.of(0), ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("http.port", "0", "management.port", "0")).managementPort());
        assertEquals(OptionalInt.of(8080), ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("management.port", "8080", "management.host", "10.0.0.5")).managementPort(),
                "the same port on another address is a port of its own");
    }

    @Test
    void loadWhenManagementPortIsHttpPortOnEveryAddressThenStartStopsNamingIt() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(),
                Map.of("KEYCARD_MANAGEMENT_PORT", "9000"),
                Map.of("http.port", "9000", "http.host", "127.0.0.1", "management.host", "0.0.0.0")));
        assertTrue(e.getMessage().startsWith("environment variable KEYCARD_MANAGEMENT_PORT: must differ from http.port "
                + "(9000)"), e.getMessage());
    }

    @Test
    void toStringWhenSecretsConfiguredThenNoneShown() {
        ServerConfig c = ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "admin.client-secret", "kcs_0123456789012345678901234567890123",
                "master-key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                "store.url", "jdbc:postgresql://db/keycard?password=hunter2"));
        assertTrue(!c.toString().contains("kcs_") && !c.toString().contains("AAAA") && !c.toString().contains("hunter2"),
                c.toString());
    }

    @Test
    void parseDurationWhenUnitsThenSeconds() {
        assertEquals(Duration.ofSeconds(900), Setting.parseDuration("900"));
        assertEquals(Duration.ofSeconds(45), Setting.parseDuration("45s"));
        assertEquals(Duration.ofMinutes(15), Setting.parseDuration("15m"));
        assertEquals(Duration.ofDays(30), Setting.parseDuration("30d"));
    }
}
