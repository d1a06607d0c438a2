package io.memspan.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What eBPF programs cost, as the kernel itself measures it: while statistics are enabled
 * ({@code BPF_ENABLE_STATS}, held by an instance of this class), the kernel adds each run's
 * duration to the program's {@code run_time_ns} and counts it in {@code run_cnt}. This is the one
 * measure of the per-event program cost on a host without a PMU, where the cost of tens of ns on
 * a page fault drowns in the fault's own variation. It does not include the tracepoint's dispatch
 * to the program (a few dozen instructions) nor, while enabled, is it free: two clock reads per
 * run.
 *
 * <p>Programs are found through the process that attached them: every {@code bpf_link} or perf
 * event fd of it, asked with {@code BPF_TASK_FD_QUERY} (as {@code bpftool perf} does), so the
 * programs of another memspan on the same host are not counted. Root (CAP_SYS_ADMIN) only.
 */
public final class ProgramRunTime implements AutoCloseable {
  // uapi/linux/bpf.h enum bpf_cmd
  private static final int BPF_PROG_GET_FD_BY_ID = 13;
  private static final int BPF_TASK_FD_QUERY = 20;
  private static final int BPF_ENABLE_STATS = 32;
  private static final int BPF_STATS_RUN_TIME = 0;

  // union bpf_attr, BPF_TASK_FD_QUERY: pid, fd, flags, buf_len, buf; out: prog_id, fd_type, ...
  private static final int QUERY_PID = 0;
  private static final int QUERY_FD = 4;
  private static final int QUERY_BUF_LEN = 12;
  private static final int QUERY_BUF = 16;
  private static final int QUERY_PROG_ID = 24;
  private static final int QUERY_ATTR_SIZE = 48;
  private static final int QUERY_NAME_BYTES = 128;

  // errno of a query on an fd that has no program behind it (or went away meanwhile)
  private static final java.util.Set<Integer> NO_PROGRAM = java.util.Set.of(2 /* ENOENT */,
      9 /* EBADF */, 22 /* EINVAL */, 95 /* EOPNOTSUPP */, 524 /* ENOTSUPP */);

  private final int statsFd;
  private boolean closed;

  private ProgramRunTime(int statsFd) {
    this.statsFd = statsFd;
  }

  /**
   * Turns the kernel's run-time statistics on for every program until {@link #close()} (or until
   * this process exits: the kernel holds them on by the fd).
   *
   * @throws IOException naming errno when the kernel refuses (not root, or a kernel before 5.8)
   */
  public static ProgramRunTime enable() throws IOException {
    try (Memory attr = new Memory(4)) {
      attr.setInt(0, BPF_STATS_RUN_TIME);
      int fd = BpfMaps.bpf(BPF_ENABLE_STATS, attr, 4);
      if (fd < 0) {
        throw new IOException("BPF_ENABLE_STATS refused: " + LibC.strerror(-fd) + " (errno " + -fd
            + "); the kernel's program statistics need root on Linux 5.8 or later");
      }
      return new ProgramRunTime(fd);
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true; // the fd number may be reused once closed
      LibC.close(statsFd);
    }
  }

  /** One program attached by a process: the event it is attached to and the program's id. */
  public record Attached(String event, int programId) {}

  /** A program's totals so far: nanoseconds run and runs, counted while statistics were on. */
  public record Totals(long runNanos, long runs) {
    public Totals minus(Totals earlier) {
      return new Totals(runNanos - earlier.runNanos, runs - earlier.runs);
    }

    public Totals plus(Totals other) {
      return new Totals(runNanos + other.runNanos, runs + other.runs);
    }
  }

  /**
   * The programs process {@code pid} has attached to tracepoints or raw tracepoints, one per
   * attaching fd, with the event's name ({@code page_fault_user}, {@code sys_enter_mmap}, ...).
   *
   * @throws IOException when the kernel refuses the query itself (EPERM without CAP_SYS_ADMIN),
   *     rather than answering "no program here"
   */
  public static List<Attached> attachedBy(long pid) throws IOException {
    List<Attached> out = new ArrayList<>();
    Path fds = Path.of("/proc", Long.toString(pid), "fd");
    try (Stream<Path> list = Files.list(fds);
         Memory name = new Memory(QUERY_NAME_BYTES);
         Memory attr = new Memory(QUERY_ATTR_SIZE)) {
      for (Path fd : (Iterable<Path>) list::iterator) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException closed) {
          continue;
        }
        if (!target.contains("bpf_link") && !target.contains("perf_event")) {
          continue;
        }
        attr.clear();
        name.clear();
        attr.setInt(QUERY_PID, (int) pid);
        attr.setInt(QUERY_FD, Integer.parseInt(fd.getFileName().toString()));
        attr.setInt(QUERY_BUF_LEN, QUERY_NAME_BYTES);
        attr.setLong(QUERY_BUF, Pointer.nativeValue(name));
        int r = BpfMaps.bpf(BPF_TASK_FD_QUERY, attr, QUERY_ATTR_SIZE);
        if (r < 0 && NO_PROGRAM.contains(-r)) {
          continue; // a perf event without a program, or closed meanwhile
        }
        if (r < 0) {
          throw new IOException("BPF_TASK_FD_QUERY of " + fd + ": " + LibC.strerror(-r)
              + " (errno " + -r + ")");
        }
        out.add(new Attached(name.getString(0, StandardCharsets.US_ASCII.name()),
            attr.getInt(QUERY_PROG_ID)));
      }
    }
    return out;
  }

  /**
   * The run totals of program {@code id}, from the {@code run_time_ns} and {@code run_cnt} the
   * kernel prints in its fdinfo.
   *
   * @throws IOException when the program is gone or this process may not open it
   */
  public static Totals totals(int id) throws IOException {
    int fd;
    try (Memory attr = new Memory(12)) {
      attr.clear();
      attr.setInt(0, id);
      fd = BpfMaps.bpf(BPF_PROG_GET_FD_BY_ID, attr, 12);
    }
    if (fd < 0) {
      throw new IOException("program " + id + ": " + LibC.strerror(-fd) + " (errno " + -fd + ")");
    }
    try {
      long nanos = -1;
      long runs = -1;
      for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", Integer.toString(fd)))) {
        if (line.startsWith("run_time_ns:")) {
          nanos = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
        } else if (line.startsWith("run_cnt:")) {
          runs = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
        }
      }
      if (nanos < 0 || runs < 0) {
        throw new IOException("program " + id + ": this kernel's fdinfo has no run_time_ns/run_cnt");
      }
      return new Totals(nanos, runs);
    } finally {
      LibC.close(fd);
    }
  }

  /**
   * The page faults the whole host has handled so far ({@code pgfault} in {@code /proc/vmstat}):
   * what a fault program's run count compares with, since a raw tracepoint runs for every
   * process's faults.
   */
  public static long hostFaults() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/vmstat"))) {
      if (line.startsWith("pgfault ")) {
        return Long.parseLong(line.substring("pgfault ".length()).strip());
      }
    }
    throw new IOException("/proc/vmstat has no pgfault line");
  }

  /** The summed totals of the programs {@code pid} attached to events whose name starts so. */
  public static Totals totals(long pid, String eventPrefix) throws IOException {
    Totals sum = new Totals(0, 0);
    for (Attached a : attachedBy(pid)) {
      if (a.event().startsWith(eventPrefix)) {
        sum = sum.plus(totals(a.programId()));
      }
    }
    return sum;
  }
}
