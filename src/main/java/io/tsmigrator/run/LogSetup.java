package io.tsmigrator.run;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The migrator's logging, set up in code: logback's XML configuration parses its file with an XML
 * parser and loads a few hundred classes more, a tenth of a second or more of every command's start.
 * Logs go to stderr so that stdout carries only the command's own output (summaries, reports). The
 * migrator logs at {@code MIGRATOR_LOG_LEVEL} (environment or -D; INFO unless set), the libraries
 * at WARN. A file named by {@code -Dlogback.configurationFile} replaces all of this.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    /** An environment variable, or a -D system property as logback's own files read it. */
    static final String LEVEL = "MIGRATOR_LOG_LEVEL";
    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        context.getLogger("io.tsmigrator").setLevel(migratorLevel(System.getProperty(LEVEL, System.getenv(LEVEL))));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The level named (by {@code MIGRATOR_LOG_LEVEL}), or INFO when none is or it is not a level's name. */
    static Level migratorLevel(String name) {
        return Level.toLevel(name, Level.INFO);
    }
}
