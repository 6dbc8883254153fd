package io.tsmigrator.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The parent's side of {@link WarmMigrator}: starts one migrator JVM (the product jar plus the bench
 * classes, the same JVM options as the cold runs), asks it for one {@code run} per repetition and
 * reads its peak RSS ({@code VmHWM}: the high-water mark over the whole life of the JVM, warm-up
 * runs included).
 */
final class WarmChild implements AutoCloseable {

    record Result(long nanos, int exitCode, long cpuNanos, long jitMillis, List<String> lines) {
    }

    private final Process process;
    private final BufferedReader replies;
    private final PrintWriter requests;
    private final Path log;

    WarmChild(Path log, Path jar, Path benchClasses, List<String> javaOptions, Path workDir, String password) throws IOException {
        this.log = log;
        Files.deleteIfExists(log);
        Files.createFile(log);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.addAll(List.of("-cp", benchClasses + java.io.File.pathSeparator + jar, WarmMigrator.class.getName(), log.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (!password.isEmpty()) {
            pb.environment().put("MIGRATOR_SOURCE_PASSWORD", password);
        }
        process = pb.start();
        replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        requests = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        String first = replies.readLine();
        if (!"ready".equals(first)) {
            throw new Bench.BenchFailure("the warm migrator JVM did not start (" + first + "); see " + log);
        }
    }

    Path log() {
        return log;
    }

    /** One full {@code run} command; the lines it logged come back with the result. */
    Result run(List<String> args) throws IOException {
        long before = Files.size(log);
        requests.println("run\t" + String.join("\t", args));
        String reply = replies.readLine();
        if (reply == null || !reply.startsWith("done ")) {
            throw new Bench.BenchFailure("the warm migrator JVM answered '" + reply + "'; see " + log);
        }
        String[] parts = reply.split(" ");
        return new Result(Long.parseLong(parts[1]), Integer.parseInt(parts[2]), Long.parseLong(parts[3]), Long.parseLong(parts[4]), linesFrom(before));
    }

    /** From now on the child's JIT compiles nothing more (see {@link WarmMigrator}). */
    void freezeCompilation() throws IOException {
        requests.println("freeze");
        String reply = replies.readLine();
        if (!"frozen".equals(reply)) {
            throw new Bench.BenchFailure("the warm migrator JVM could not stop its JIT: " + reply);
        }
    }

    private List<String> linesFrom(long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            byte[] bytes = new byte[(int) (f.length() - offset)];
            f.seek(offset);
            f.readFully(bytes);
            return List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"));
        }
    }

    /** VmHWM of the child, in kB. */
    long peakRssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new Bench.BenchFailure("no VmHWM for the warm migrator JVM");
    }

    /** Ends the child; returns its peak RSS in kB. */
    @Override
    public void close() throws IOException {
        requests.println("quit");
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    void kill() {
        process.destroyForcibly();
    }
}
