package io.tsmigrator.run;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class LogSetupTest {

    @Test
    void theMigratorLogsAtItsLevelAndTheLibrariesAtWarnToStderr() {
        LoggerContext context = new LoggerContext();
        assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, new LogSetup().configure(context));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.WARN, root.getLevel());
        assertNotNull(root.getAppender("STDERR"));
        assertEquals(Level.WARN, context.getLogger("org.apache.camel.impl").getEffectiveLevel());
        assertEquals(LogSetup.migratorLevel(System.getProperty(LogSetup.LEVEL, System.getenv(LogSetup.LEVEL))), context.getLogger("io.tsmigrator.migrate.ChunkMigrator").getEffectiveLevel());
    }

    @Test
    void theLevelIsNamedOrInfo() {
        assertEquals(Level.INFO, LogSetup.migratorLevel(null));
        assertEquals(Level.DEBUG, LogSetup.migratorLevel("DEBUG"));
        assertEquals(Level.INFO, LogSetup.migratorLevel("loud"));
    }

    @Test
    void thisJvmWasSetUpByIt() {
        // the service file puts LogSetup before logback's own search for an XML file
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertNotNull(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR"));
        assertEquals(Level.WARN, context.getLogger("com.zaxxer.hikari").getEffectiveLevel());
    }
}
