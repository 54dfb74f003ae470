package dev.keycard.server.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sets up Logback in code, not from a logback.xml: Joran, its XML configurator, costs start-up
 * time that a server restarted by a fleet pays on every node. Records go to standard error:
 * Keycard's own ({@code dev.keycard…}) at the configured level, the audit log
 * ({@code keycard.audit}) and the access log ({@code keycard.access}) always at info, the
 * libraries' (Netty, Vert.x, Hikari, Flyway, …) at warn. Until {@code serve} has read its configuration, and for every other command, that is
 * text at info ({@link LogConfigurator}).
 */
public final class Logging {

    /** The audit logger; the same as {@code AuditSink.LOGGER}. */
    static final String AUDIT = "keycard.audit";
    /** The access log ({@code log.access}), written like the audit log whatever {@code log.level} says. */
    public static final String ACCESS = "keycard.access";
    static final Setup DEFAULT = new Setup(LogFormat.TEXT, Level.INFO, Level.INFO);
    private static final String APPENDER = "keycard-stderr";

    private Logging() {
    }

    /**
     * Keycard's records at {@code level} and above, the audit log at info, in {@code format}. Does
     * nothing when SLF4J is bound to another backend: an application that embeds the server keeps
     * its own logging.
     */
    public static void configure(LogFormat format, org.slf4j.event.Level level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            routeJavaUtilLogging(context);
            apply(context, new Setup(format, Level.convertAnSLF4JLevel(level), Level.INFO));
        }
    }

    /**
     * Sends what is written to java.util.logging (pgjdbc, the AWS-LC provider, the JDK's
     * {@code System.Logger}) through Logback, so that with {@code log.format=json} every line is
     * JSON. Logback's levels are copied to the JUL loggers as they change, so a record below them
     * is dropped by JUL before anything is built. Only {@code serve} does this: an application that
     * embeds Keycard or its libraries keeps its own JUL set-up.
     */
    private static synchronized void routeJavaUtilLogging(LoggerContext context) {
        if (SLF4JBridgeHandler.isInstalled()) {
            return;
        }
        LevelChangePropagator propagator = new LevelChangePropagator();
        propagator.setContext(context);
        propagator.setResetJUL(true);
        propagator.start();
        context.addListener(propagator);
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null) {
                propagator.onLevelChange(logger, logger.getLevel());
            }
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    /**
     * Warnings and errors only, the audit log included, as text: for a program that embeds the
     * server and tells its own story on the console (the demo).
     */
    public static void quiet() {
        apply(new Setup(LogFormat.TEXT, Level.WARN, Level.WARN));
    }

    private static void apply(Setup setup) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            apply(context, setup);
        }
    }

    /** Keycard's own configuration of a context nobody configured ({@link LogConfigurator}). */
    static void install(LoggerContext context) {
        apply(context, DEFAULT, true);
    }

    static void apply(LoggerContext context, Setup setup) {
        apply(context, setup, false);
    }

    /**
     * Sets the levels and, when the format changes, swaps the appender: no record is lost in
     * between. A context that a logback.xml configured ({@code install} never ran) is left as
     * that file says: {@code log.format} and {@code log.level} then have no effect.
     */
    private static synchronized void apply(LoggerContext context, Setup setup, boolean install) {
        Object current = context.getObject(Logging.class.getName());
        if (setup.equals(current) || (current == null && !install)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        context.getLogger("dev.keycard").setLevel(setup.own());
        context.getLogger("keycard").setLevel(setup.own());
        context.getLogger(AUDIT).setLevel(setup.audit());
        context.getLogger(ACCESS).setLevel(setup.audit());
        if (!(current instanceof Setup before) || before.format() != setup.format()) {
            Appender<ILoggingEvent> appender = stderr(context, setup.format());
            List<Appender<ILoggingEvent>> old = new ArrayList<>();
            for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
                old.add(it.next());
            }
            root.addAppender(appender);
            for (Appender<ILoggingEvent> a : old) {
                root.detachAppender(a);
                a.stop();
            }
        }
        context.putObject(Logging.class.getName(), setup);
    }

    private static Appender<ILoggingEvent> stderr(LoggerContext context, LogFormat format) {
        Encoder<ILoggingEvent> encoder = format == LogFormat.JSON ? new JsonLineEncoder() : new TextLineEncoder();
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }

    /** What {@link #apply} sets: the format, Keycard's level, the audit log's level. */
    record Setup(LogFormat format, Level own, Level audit) {
    }
}
