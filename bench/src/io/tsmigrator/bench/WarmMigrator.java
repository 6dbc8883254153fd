package io.tsmigrator.bench;

import io.tsmigrator.Application;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The child JVM of the warm measurement: one migrator JVM that executes the full {@code run} command
 * ({@link Application#execute}, Camel start and stop included) once per request, so repetitions after
 * the warm-up measure the migrator with its code compiled, as a long-lived or second run would see it.
 *
 * <p>Line protocol on stdin/stdout (the migrator's own output and logs go to the file named by the
 * first argument, so they cannot mix with the protocol):
 * <pre>
 *   parent: run\targ1\targ2...     child: done ELAPSED_NANOS EXIT_CODE CPU_NANOS JIT_MILLIS
 *   parent: freeze                 child: frozen     (the JIT compiles nothing more, see below)
 *   parent: quit                   (child exits)
 * </pre>
 * A warm JVM never stops compiling: each run executes Camel's start (YAML parsing, bean
 * introspection, route building) once more, and that code keeps crossing compile thresholds, run
 * after run, while the chunks of that run are migrated. A long-lived run compiles it once. After
 * {@code freeze} (a compiler directive excluding every method, through the DiagnosticCommand MBean,
 * as {@code jcmd PID Compiler.directives_add} would) the code compiled so far stays and nothing new
 * is compiled, which shows what the JIT's work during a warm run costs.
 */
public final class WarmMigrator {

    private WarmMigrator() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        // Logback's console appender writes to whatever System.err is at the time of each event.
        PrintStream log = new PrintStream(new FileOutputStream(args[0], true), true, StandardCharsets.UTF_8);
        System.setOut(log);
        System.setErr(log);
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        protocol.println("ready");
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.split("\t");
            if (parts[0].equals("quit")) {
                break;
            }
            if (parts[0].equals("freeze")) {
                protocol.println(freezeCompilation() ? "frozen" : "error the compiler directive was not accepted");
                continue;
            }
            if (!parts[0].equals("run")) {
                protocol.println("error unknown request " + parts[0]);
                continue;
            }
            String[] command = Arrays.copyOfRange(parts, 1, parts.length);
            log.println("==== " + java.time.Instant.now() + " run " + String.join(" ", command));
            long cpu0 = os.getProcessCpuTime();
            long jit0 = jit.getTotalCompilationTime();
            long t0 = System.nanoTime();
            int code = Application.execute(command, log, log);
            long elapsed = System.nanoTime() - t0;
            log.println("==== " + java.time.Instant.now() + " end, exit code " + code);
            // the JVM's CPU time during this run and the time its JIT compilers spent compiling (their own count, not CPU), for the bench's report
            protocol.println("done " + elapsed + " " + code + " " + (os.getProcessCpuTime() - cpu0) + " " + (jit.getTotalCompilationTime() - jit0));
        }
        log.close();
        System.exit(0);
    }

    private static boolean freezeCompilation() throws Exception {
        java.nio.file.Path directives = java.nio.file.Files.createTempFile("no-compilation", ".json");
        java.nio.file.Files.writeString(directives, "[{ match: \"*.*\", c1: { Exclude: true }, c2: { Exclude: true } }]");
        Object reply = ManagementFactory.getPlatformMBeanServer().invoke(new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                "compilerDirectivesAdd", new Object[] {new String[] {directives.toString()}}, new String[] {String[].class.getName()});
        java.nio.file.Files.delete(directives);
        return String.valueOf(reply).contains("1 compiler directives added");
    }
}
