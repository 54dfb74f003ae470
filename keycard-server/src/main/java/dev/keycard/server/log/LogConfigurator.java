package dev.keycard.server.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration when nobody gave one, found through META-INF/services when SLF4J is
 * first used: text at info to standard error ({@link Logging}). Ranked after Logback's own file
 * configurator ({@code NOMINAL}) and before its fallback, so a {@code logback.xml} or
 * {@code -Dlogback.configurationFile} of an operator or an embedding application wins (and Joran,
 * Logback's XML configurator, is loaded only then); without one, this stops the search.
 */
@ConfiguratorRank(ConfiguratorRank.NOMINAL - 5)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Logging.install(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
