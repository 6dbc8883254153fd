package io.tsmigrator;

import io.tsmigrator.config.InvalidSettingException;
import io.tsmigrator.config.Secrets;
import io.tsmigrator.config.Settings;
import io.tsmigrator.config.SettingsLoader;
import io.tsmigrator.replay.ReplayRequest;
import io.tsmigrator.doctor.MappingTemplate;
import io.tsmigrator.wide.ChannelMapping;
import io.tsmigrator.run.DoctorCommand;
import io.tsmigrator.run.DropCaptureCommand;
import io.tsmigrator.run.ExitCodes;
import io.tsmigrator.run.CamelLifecycle;
import io.tsmigrator.run.Environment;
import io.tsmigrator.run.GracefulShutdown;
import io.tsmigrator.run.MigrationRun;
import io.tsmigrator.run.PlanCommand;
import io.tsmigrator.run.ReportCommand;
import io.tsmigrator.run.VerifyCommand;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code java -jar timeseries-migrator.jar [command] [--key=value ...]}. The only class with a
 * {@code main}: it reads the command line and settings, runs the command and maps the outcome to an
 * exit code. Errors a user can fix are one line on stderr, never a stack trace.
 */
public final class Application {

    static final String USAGE = """
            usage: java -jar timeseries-migrator.jar [command] [--key=value ...]
            commands:
              run    migrate the narrow table into the wide table, chunk by chunk (the default);
                     --follow keeps the wide table current as readings arrive, until SIGTERM
              plan   show what run would migrate (ships, ranges, chunks, estimated rows); writes nothing
              report progress, durations, retries, splits and failures of the job, from its ledger
              verify compare source and wide table window by window (rows, cells and values, by a digest
                     computed on each side) and look for readings between windows; exit 0 when all match,
                     1 otherwise. --requeue puts the windows that differ back to PENDING and plans windows
                     over such readings, for the next run (or a running run --follow)
              replay run dead-lettered chunks again, through the same pipeline; dead letters are kept,
                     marked replayed with the outcome. Filters: --ship=ID[,ID] --sql-state=57014
                     --since=2024-01-31T00:00:00Z --id=N[,N]; --csv=FILE queues the windows of a CSV
                     file with the header ship_id,start,end (e.g. the old tool's failed-chunk list)
              doctor preflight: server limits, pools, the chunk query's plan, a timed sample chunk, the wide
                     table and mapping, each ok/warn/fail with advice, and a recommended chunk size; exit 2 on a fail
                     --mapping-template prints each ship's channel ids as a per-ship mapping file to edit
                     (needs an index leading with (ship, channel); see docs/channels.md)
                     --drop-capture removes this control schema's change capture (triggers, mark table)
                     from the source, once you stop following
              help   show this text
            options: --json prints plan, report, doctor and replay's outcome as JSON
            settings: every key of config/application.properties, e.g. --migrator.chunk-size=PT20M;
            also from environment variables (MIGRATOR_CHUNK_SIZE) and -D system properties.""";

    private static final String MAPPING_TEMPLATE = "--mapping-template";
    private static final String DROP_CAPTURE = "--drop-capture";

    private Application() {
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs a command line and returns its exit code; tests call this in-process. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        String command = "run";
        boolean json = false;
        boolean mappingTemplate = false;
        boolean dropCapture = false;
        boolean follow = false;
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, String> commandOptions = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                command = "help";
            } else if (arg.equals("--json")) {
                json = true;
            } else if (arg.equals(MAPPING_TEMPLATE)) {
                mappingTemplate = true;
            } else if (arg.equals(DROP_CAPTURE)) {
                dropCapture = true;
            } else if (arg.equals("--follow")) {
                follow = true;
            } else if (arg.equals("--requeue")) {
                commandOptions.put("requeue", "");
            } else if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                if (eq < 3) {
                    err.println("error: option '" + arg + "' is not of the form --key=value");
                    return ExitCodes.INVALID_CONFIGURATION;
                }
                String key = arg.substring(2, eq);
                (isSetting(key) ? options : commandOptions).put(key, arg.substring(eq + 1));
            } else {
                command = arg;
            }
        }
        try {
            Settings settings = SettingsLoader.load(options, System.getenv(), System.getProperties());
            Secrets.register(settings.secrets());
            settings.rejectUnknownKeys();
            boolean asJson = json;
            String doctorOption = mappingTemplate ? MAPPING_TEMPLATE : dropCapture ? DROP_CAPTURE : null;
            if (doctorOption != null && !command.equals("doctor")) {
                err.println("error: option '" + doctorOption + "' belongs to the command 'doctor'");
                return ExitCodes.INVALID_CONFIGURATION;
            }
            if (mappingTemplate && dropCapture) {
                err.println("error: options '" + MAPPING_TEMPLATE + "' and '" + DROP_CAPTURE + "' are two jobs of 'doctor': give one");
                return ExitCodes.INVALID_CONFIGURATION;
            }
            if (follow && !command.equals("run")) {
                err.println("error: option '--follow' is known to the command 'run' only");
                return ExitCodes.INVALID_CONFIGURATION;
            }
            String unknown = unknownOption(command, commandOptions);
            if (unknown != null) {
                err.println("error: " + unknown);
                return ExitCodes.INVALID_CONFIGURATION;
            }
            return switch (command) {
                case "run" -> run(settings, out, null, false, follow);
                case "replay" -> run(settings, out, ReplayRequest.parse(commandOptions), asJson, false);
                case "plan" -> withEnvironment(settings, env -> new PlanCommand(env, out, asJson).execute());
                case "report" -> withEnvironment(settings, env -> new ReportCommand(env, out, asJson).execute());
                case "verify" -> {
                    boolean requeue = VerifyCommand.requeue(commandOptions);
                    yield withEnvironment(settings, env -> new VerifyCommand(env, out, requeue).execute());
                }
                case "doctor" -> mappingTemplate ? diagnose(settings, env -> {
                    new MappingTemplate(env.settings(), env.pools().read()).print(out);
                    return ExitCodes.OK;
                }) : dropCapture ? diagnose(settings, env -> new DropCaptureCommand(env, out).execute())
                        : diagnose(settings, env -> new DoctorCommand(env, out, asJson).execute());
                case "help" -> {
                    out.println(USAGE);
                    yield ExitCodes.OK;
                }
                default -> {
                    err.println("error: unknown command '" + command + "'; expected one of: run, plan, report, verify, replay, doctor, help");
                    yield ExitCodes.INVALID_CONFIGURATION;
                }
            };
        } catch (InvalidSettingException e) {
            err.println("error: " + Secrets.scrub(e.getMessage()));
            return ExitCodes.INVALID_CONFIGURATION;
        } catch (Exception e) {
            err.println("error: " + Secrets.scrub(describe(e)));
            org.slf4j.LoggerFactory.getLogger(Application.class).debug("failure", e);
            return ExitCodes.FAILED;
        }
    }

    /** Settings are {@code migrator.*} (and {@code camel.*}) keys; any other {@code --key=value} belongs to the command. */
    private static boolean isSetting(String key) {
        return key.startsWith("migrator.") || key.startsWith("camel.");
    }

    private static String unknownOption(String command, Map<String, String> commandOptions) {
        Set<String> accepted = switch (command) {
            case "replay" -> ReplayRequest.OPTIONS;
            case "verify" -> VerifyCommand.OPTIONS;
            default -> Set.of();
        };
        for (String key : commandOptions.keySet()) {
            if (!accepted.contains(key)) {
                return "option '--" + key + "' is not known to the command '" + command + "'; expected "
                        + (accepted.isEmpty() ? "settings (--migrator.KEY=VALUE)" : "settings or one of --" + String.join(", --", new java.util.TreeSet<>(accepted)));
            }
        }
        return null;
    }

    private static int run(Settings settings, PrintStream out, ReplayRequest replay, boolean json, boolean follow) throws Exception {
        settings.validate();
        ChannelMapping.from(settings); // a mapping file that cannot be used stops the run before a database is touched
        GracefulShutdown shutdown = GracefulShutdown.install(Settings.SHUTDOWN_TIMEOUT);
        int code = ExitCodes.FAILED;
        // Camel loads the routes while the databases are opened: most of a new JVM's start goes there
        CamelLifecycle camel = CamelLifecycle.load(settings, replay != null);
        try (Environment env = Environment.open(settings)) {
            code = new MigrationRun(env, out, shutdown, replay, json, follow).execute(camel);
            return code;
        } finally {
            shutdown.finished(code);
        }
    }

    /** A command that only needs the databases: no Camel routes, no shutdown handling. */
    @FunctionalInterface
    private interface Command {
        int execute(Environment env) throws Exception;
    }

    private static int withEnvironment(Settings settings, Command command) throws Exception {
        settings.validate();
        try (Environment env = Environment.open(settings)) {
            return command.execute(env);
        }
    }

    /** Like {@link #withEnvironment}, but a short connection budget is one of the findings rather than the end. */
    private static int diagnose(Settings settings, Command command) throws Exception {
        settings.validate();
        ChannelMapping.from(settings);
        try (Environment env = Environment.openForDiagnosis(settings)) {
            return command.execute(env);
        }
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t instanceof java.lang.reflect.InvocationTargetException)) {
            t = t.getCause();
        }
        if (t instanceof InvalidSettingException) {
            return t.getMessage();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
