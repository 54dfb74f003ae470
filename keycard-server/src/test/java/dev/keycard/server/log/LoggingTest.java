package dev.keycard.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keycard.server.event.AuditEvent;
import dev.keycard.server.event.AuditSink;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** The real Logback, configured as serve configures it, writing to a captured standard error. */
class LoggingTest {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingTest.class);
    private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
    private static final String SECRET = "kcs_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5";
    private static final String JWT = "eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiYXRjaC13b3JrZXIifQ.c2lnbmF0dXJl";

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr = System.err;

    @BeforeEach
    void captureStandardError() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(savedErr);
        Logging.configure(LogFormat.TEXT, Level.INFO);
    }

    @Test
    void jsonWhenInfoAuditAndErrorLoggedThenEachLineIsOneObjectWithTheirFields() {
        Logging.configure(LogFormat.JSON, Level.INFO);
        LOG.info("client {} said \"hi\"\nand left", "batch-worker");
        AuditSink.log().write(List.of(authFailed()));
        LOG.error("sink failed", new IllegalStateException("disk \"full\""));

        List<JsonObject> lines = jsonLines();
        JsonObject info = only(lines, LoggingTest.class.getName(), "INFO");
        assertTrue(info.getString("time").matches(TIME), info.encode());
        assertEquals("INFO", info.getString("level"));
        assertEquals("client batch-worker said \"hi\"\nand left", info.getString("message"));
        assertFalse(info.containsKey("error"), info.encode());

        JsonObject audit = only(lines, AuditSink.LOGGER, "INFO");
        assertEquals("client.auth_failed", audit.getString("message"));
        JsonObject event = audit.getJsonObject("audit");
        assertEquals(new JsonObject(authFailed().toJson()), event, "the event as an object, not a string");
        assertEquals("wrong_secret", event.getString("reason"));
        assertEquals(0, event.getInteger("held_back"));

        JsonObject error = only(lines, LoggingTest.class.getName(), "ERROR");
        assertEquals("sink failed", error.getString("message"));
        assertEquals("java.lang.IllegalStateException: disk \"full\"", error.getString("error"));
        assertTrue(error.getString("stack_trace").startsWith("java.lang.IllegalStateException: disk \"full\"\n\tat "
                + LoggingTest.class.getName()), error.getString("stack_trace"));
    }

    @Test
    void jsonWhenALibraryWritesToJavaUtilLoggingThenItsWarningIsAJsonLineAndItsInfoDropped() {
        Logging.configure(LogFormat.JSON, Level.INFO);
        java.util.logging.Logger pgjdbc = java.util.logging.Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");
        pgjdbc.warning("connection \"lost\"");
        pgjdbc.info("below the libraries' level");
        System.getLogger("dev.keycard.resource.internal.JwksCache").log(System.Logger.Level.WARNING, "key set stale");

        List<JsonObject> lines = jsonLines();
        JsonObject warning = only(lines, "org.postgresql.core.v3.QueryExecutorImpl", "WARN");
        assertEquals("connection \"lost\"", warning.getString("message"));
        assertEquals("key set stale", only(lines, "dev.keycard.resource.internal.JwksCache", "WARN").getString("message"));
        assertFalse(output().contains("below the libraries' level"), output());
    }

    @Test
    void configureWhenALogbackFileConfiguredTheContextThenItIsLeftAsTheFileSays() {
        ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> theirs =
                new ch.qos.logback.core.read.ListAppender<>();
        theirs.setContext(context);
        theirs.start();
        root.addAppender(theirs); // what an operator's logback.xml would have set up
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);

        Logging.apply(context, new Logging.Setup(LogFormat.JSON, ch.qos.logback.classic.Level.INFO,
                ch.qos.logback.classic.Level.INFO));
        assertTrue(root.isAttached(theirs), "their appender stays");
        assertEquals(ch.qos.logback.classic.Level.DEBUG, root.getLevel(), "their level stays");

        ch.qos.logback.classic.LoggerContext fresh = new ch.qos.logback.classic.LoggerContext();
        new LogConfigurator().configure(fresh); // what Logback does when no file was found
        Logging.apply(fresh, new Logging.Setup(LogFormat.JSON, ch.qos.logback.classic.Level.DEBUG,
                ch.qos.logback.classic.Level.INFO));
        assertEquals(ch.qos.logback.classic.Level.DEBUG, fresh.getLogger("dev.keycard").getLevel(),
                "a context Keycard configured follows log.level");
    }

    @Test
    void textWhenLoggedThenTheLineSlf4jSimpleWrote() {
        Logging.configure(LogFormat.JSON, Level.INFO);
        Logging.configure(LogFormat.TEXT, Level.INFO);
        LOG.info("hello {}", "world");
        AuditSink.log().write(List.of(authFailed()));
        LOG.warn("oops", new IllegalStateException("boom"));

        List<String> lines = Arrays.asList(output().split("\n"));
        assertTrue(lines.stream().anyMatch(l -> l.matches(TIME + " INFO LoggingTest - hello world")), output());
        assertTrue(lines.stream().anyMatch(l -> l.matches(TIME + " INFO audit - " + Pattern.quote(authFailed().toJson()))),
                output());
        int warn = indexOf(lines, TIME + " WARN LoggingTest - oops");
        assertEquals("java.lang.IllegalStateException: boom", lines.get(warn + 1));
        assertTrue(lines.get(warn + 2).startsWith("\tat " + LoggingTest.class.getName()), lines.get(warn + 2));
    }

    @Test
    void levelWhenWarnThenKeycardInfoDroppedAuditKeptLibrariesAtWarn() {
        Logging.configure(LogFormat.JSON, Level.WARN);
        LOG.info("dropped info");
        LOG.warn("kept warn");
        AuditSink.log().write(List.of(authFailed()));
        for (String library : List.of("io.netty.channel.DefaultChannelPipeline", "io.vertx.core.impl.VertxImpl",
                "com.zaxxer.hikari.HikariDataSource", "org.flywaydb.core.FlywayExecutor")) {
            LoggerFactory.getLogger(library).info("dropped library info");
            LoggerFactory.getLogger(library).warn("kept library warn");
        }

        List<JsonObject> lines = jsonLines();
        assertFalse(output().contains("dropped"), output());
        assertEquals("kept warn", only(lines, LoggingTest.class.getName(), "WARN").getString("message"));
        assertEquals("client.auth_failed", only(lines, AuditSink.LOGGER, "INFO").getString("message"),
                "the audit log is always written");
        assertEquals(4, lines.stream().filter(l -> l.getString("message").equals("kept library warn")).count(), output());
    }

    @Test
    void levelWhenDebugThenKeycardDebugWrittenLibrariesStillAtWarn() {
        Logging.configure(LogFormat.TEXT, Level.DEBUG);
        LOG.debug("keycard debug");
        LoggerFactory.getLogger("io.netty.buffer.PooledByteBufAllocator").debug("dropped library debug");
        LoggerFactory.getLogger("io.netty.buffer.PooledByteBufAllocator").info("dropped library info");

        assertTrue(output().matches("(?s).*" + TIME + " DEBUG LoggingTest - keycard debug\n.*"), output());
        assertFalse(output().contains("dropped"), output());
    }

    @Test
    void lineWhenMessageOrErrorHoldsSecretOrTokenThenRedactedInBothFormats() {
        for (LogFormat format : LogFormat.values()) {
            Logging.configure(format, Level.DEBUG);
            LOG.debug("token request refused: invalid_client (client authentication failed) unknown client_id {}", SECRET);
            LOG.info("Bearer {} from {}", JWT, "batch-worker");
            LOG.warn("failed", new IllegalArgumentException("bad secret " + SECRET));
        }
        String all = output();
        assertFalse(all.contains(SECRET.substring(4)), all);
        assertFalse(all.contains(JWT.substring(0, 20)), all);
        assertTrue(all.contains("unknown client_id [redacted]"), all);
        assertTrue(all.contains("Bearer [redacted] from batch-worker"), all);
        assertEquals(3, all.lines().filter(l -> l.startsWith("{")).map(JsonObject::new)
                        .filter(l -> LoggingTest.class.getName().equals(l.getString("logger"))).count(),
                "the redacted JSON lines still parse");
    }

    @Test
    void embeddedJsonWhenNameIsAMemberOfEveryLineThenRefused() {
        assertEquals("'message' is a member of every JSON line",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> new EmbeddedJson("message", "x", "{}")).getMessage());
    }

    private static AuditEvent authFailed() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", "wrong_secret");
        details.put("method", "client_secret_basic");
        details.put("held_back", 0);
        return new AuditEvent("client.auth_failed", Instant.parse("2026-11-24T10:00:00.120Z"), "batch-worker", details);
    }

    private String output() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Every line, each of which must be one JSON object. */
    private List<JsonObject> jsonLines() {
        return output().lines().map(JsonObject::new).toList();
    }

    private static JsonObject only(List<JsonObject> lines, String logger, String level) {
        List<JsonObject> of = lines.stream()
                .filter(l -> logger.equals(l.getString("logger")) && level.equals(l.getString("level"))).toList();
        assertEquals(1, of.size(), of.toString());
        return of.get(0);
    }

    private static int indexOf(List<String> lines, String regex) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches(regex)) {
                return i;
            }
        }
        throw new AssertionError("no line matches " + regex + " in " + lines);
    }
}
