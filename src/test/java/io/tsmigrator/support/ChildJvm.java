package io.tsmigrator.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the migrator as a separate process, as a user would, so tests can read everything it
 * prints (log lines included), send it signals or kill it.
 */
public final class ChildJvm {

    private final Process process;
    private final Path output;

    private ChildJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    public static ChildJvm start(List<String> args) throws IOException {
        return start(args, Path.of(System.getProperty("user.dir")));
    }

    /** Runs in {@code directory}, where the migrator looks for {@code config/} and {@code routes/}. */
    public static ChildJvm start(List<String> args, Path directory) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.tsmigrator.Application"));
        command.addAll(args);
        Path output = Files.createTempFile("migrator-child", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .directory(directory.toFile()).start();
        return new ChildJvm(p, output);
    }

    public Process process() {
        return process;
    }

    public int await(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the migrator did not end within " + seconds + " s:\n" + output());
        }
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }
}
