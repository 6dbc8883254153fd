package io.tsmigrator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The database server's CPU time, from its processes' own accounting in {@code /proc}: the
 * postmaster's user and system time, that of its live children (backends, parallel workers, the
 * background processes), and, in the postmaster's {@code cutime}/{@code cstime}, that of every child
 * that has exited (a backend's time is added there when the postmaster reaps it). The difference
 * of two readings is the server's CPU in between. Only for a server on this machine.
 */
final class ServerCpu {

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    private final long postmaster;

    private ServerCpu(long postmaster) {
        this.postmaster = postmaster;
    }

    interface Connector {
        Connection connect() throws SQLException;
    }

    /** The server's postmaster, found as the parent of a backend of ours; null when it is not on this machine. */
    static ServerCpu find(Connector connector) throws SQLException {
        try (Connection c = connector.connect()) {
            long backend = ((Number) Bench.scalar(c, "SELECT pg_backend_pid()")).longValue();
            String[] stat = stat(backend);
            if (stat == null) {
                Bench.log("the server is not on this machine: no server CPU figures");
                return null;
            }
            return new ServerCpu(Long.parseLong(stat[3]));
        }
    }

    long postmaster() {
        return postmaster;
    }

    /** Pins the postmaster and every process it has started to {@code cpu}; processes it starts later inherit it. */
    void pinAll(int cpu) {
        Bench.pin(postmaster, cpu);
        children().forEach(pid -> Bench.pin(pid, cpu));
    }

    double seconds() {
        String[] own = stat(postmaster);
        if (own == null) {
            throw new Bench.BenchFailure("the postmaster " + postmaster + " is gone");
        }
        long ticks = Long.parseLong(own[13]) + Long.parseLong(own[14]) + Long.parseLong(own[15]) + Long.parseLong(own[16]);
        for (long child : children()) {
            String[] s = stat(child);
            if (s != null) {
                ticks += Long.parseLong(s[13]) + Long.parseLong(s[14]);
            }
        }
        return ticks / TICKS_PER_SECOND;
    }

    private List<Long> children() {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit)).forEach(n -> {
                String[] s = stat(Long.parseLong(n));
                if (s != null && Long.parseLong(s[3]) == postmaster) {
                    pids.add(Long.parseLong(n));
                }
            });
        } catch (IOException e) {
            throw new Bench.BenchFailure("cannot list /proc: " + e.getMessage());
        }
        return pids;
    }

    /** The fields of /proc/PID/stat (0-based as in proc(5) minus one), the command name taken out; null when there is no such process. */
    private static String[] stat(long pid) {
        try {
            String line = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String rest = line.substring(line.lastIndexOf(')') + 2);
            String[] after = rest.trim().split(" ");
            String[] fields = new String[after.length + 2];
            fields[0] = String.valueOf(pid);
            fields[1] = "";
            System.arraycopy(after, 0, fields, 2, after.length);
            return fields;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
