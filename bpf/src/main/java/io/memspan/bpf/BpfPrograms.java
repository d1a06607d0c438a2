package io.memspan.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The program commands memspan makes itself when it loads a cached program (see
 * {@link CompileCache}): {@code BPF_PROG_LOAD}, {@code BPF_OBJ_GET_INFO_BY_FD} of a map,
 * {@code BPF_RAW_TRACEPOINT_OPEN}, and a tracepoint's perf event ({@code perf_event_open} +
 * {@code PERF_EVENT_IOC_SET_BPF} + {@code PERF_EVENT_IOC_ENABLE}), as libbcc's
 * {@code bpf_attach_tracepoint} does. No libbcc: a cache hit never maps LLVM. The one definition of
 * these {@code union bpf_attr} and {@code perf_event_attr} layouts. Each call returns an fd or 0 on
 * success, minus errno on failure.
 */
final class BpfPrograms {
  // uapi/linux/bpf.h enum bpf_cmd
  static final int BPF_PROG_LOAD = 5;
  static final int BPF_OBJ_GET_INFO_BY_FD = 15;
  static final int BPF_RAW_TRACEPOINT_OPEN = 17;

  // union bpf_attr, BPF_PROG_LOAD
  private static final int LOAD_TYPE = 0;
  private static final int LOAD_INSN_CNT = 4;
  private static final int LOAD_INSNS = 8;
  private static final int LOAD_LICENSE = 16;
  private static final int LOAD_LOG_LEVEL = 24;
  private static final int LOAD_LOG_SIZE = 28;
  private static final int LOAD_LOG_BUF = 32;
  private static final int LOAD_KERN_VERSION = 40;
  private static final int LOAD_NAME = 48;
  private static final int LOAD_ATTR_SIZE = 72;

  // struct bpf_map_info
  private static final int INFO_TYPE = 0;
  private static final int INFO_KEY_SIZE = 8;
  private static final int INFO_VALUE_SIZE = 12;
  private static final int INFO_MAX_ENTRIES = 16;
  private static final int INFO_FLAGS = 20;
  private static final int INFO_NAME = 24;
  private static final int INFO_SIZE = 40;

  // struct perf_event_attr (PERF_ATTR_SIZE_VER5)
  private static final int PERF_TYPE_TRACEPOINT = 2;
  private static final long PERF_SAMPLE_RAW = 1L << 10;
  private static final int PERF_ATTR_SIZE = 112;
  private static final int PERF_FLAG_FD_CLOEXEC = 8;
  private static final long PERF_EVENT_IOC_ENABLE = 0x2400;
  private static final long PERF_EVENT_IOC_SET_BPF = 0x40042408;

  private BpfPrograms() {}

  /** {@code BPF_PROG_LOAD} of {@code insns}: the program's fd, or minus errno (log in {@code log}). */
  static int load(int type, byte[] insns, String license, int kernVersion, String name, byte[] log) {
    byte[] lic = (license + "\0").getBytes(StandardCharsets.US_ASCII);
    try (Memory code = new Memory(insns.length); Memory licMem = new Memory(lic.length);
         Memory logMem = new Memory(Math.max(1, log.length));
         Memory attr = new Memory(LOAD_ATTR_SIZE)) {
      code.write(0, insns, 0, insns.length);
      licMem.write(0, lic, 0, lic.length);
      logMem.clear();
      attr.clear();
      attr.setInt(LOAD_TYPE, type);
      attr.setInt(LOAD_INSN_CNT, insns.length / 8);
      attr.setLong(LOAD_INSNS, com.sun.jna.Pointer.nativeValue(code));
      attr.setLong(LOAD_LICENSE, com.sun.jna.Pointer.nativeValue(licMem));
      if (log.length > 0) {
        attr.setInt(LOAD_LOG_LEVEL, 1);
        attr.setInt(LOAD_LOG_SIZE, log.length);
        attr.setLong(LOAD_LOG_BUF, com.sun.jna.Pointer.nativeValue(logMem));
      }
      attr.setInt(LOAD_KERN_VERSION, kernVersion);
      BpfMaps.writeObjName(attr, LOAD_NAME, name);
      int fd = BpfMaps.bpf(BPF_PROG_LOAD, attr, LOAD_ATTR_SIZE);
      if (log.length > 0) {
        logMem.read(0, log, 0, log.length);
      }
      return fd;
    }
  }

  /** What the kernel says about the map behind {@code fd}, or null when it will not say. */
  static CompiledProgram.MapSpec mapInfo(int fd, String name) {
    try (Memory info = new Memory(INFO_SIZE); Memory attr = new Memory(16)) {
      info.clear();
      attr.clear();
      attr.setInt(0, fd);
      attr.setInt(4, INFO_SIZE);
      attr.setLong(8, com.sun.jna.Pointer.nativeValue(info));
      if (BpfMaps.bpf(BPF_OBJ_GET_INFO_BY_FD, attr, 16) < 0) {
        return null;
      }
      return new CompiledProgram.MapSpec(name, info.getInt(INFO_TYPE), info.getInt(INFO_KEY_SIZE),
          info.getInt(INFO_VALUE_SIZE), info.getInt(INFO_MAX_ENTRIES), info.getInt(INFO_FLAGS));
    }
  }

  /** {@code BPF_RAW_TRACEPOINT_OPEN}: the link fd (closing it detaches), or minus errno. */
  static int openRawTracepoint(String event, int progFd) {
    byte[] name = (event + "\0").getBytes(StandardCharsets.US_ASCII);
    try (Memory nameMem = new Memory(name.length); Memory attr = new Memory(16)) {
      nameMem.write(0, name, 0, name.length);
      attr.clear();
      attr.setLong(0, com.sun.jna.Pointer.nativeValue(nameMem));
      attr.setInt(8, progFd);
      return BpfMaps.bpf(BPF_RAW_TRACEPOINT_OPEN, attr, 16);
    }
  }

  /**
   * A perf event on tracepoint {@code category:event} running {@code progFd}, enabled: its fd
   * (closing it detaches), or minus errno. CPU 0 and pid -1, as libbcc does: a BPF program on a
   * tracepoint runs wherever the tracepoint fires.
   */
  static int attachTracepoint(Path tracefs, String category, String event, int progFd)
      throws IOException {
    long id = Long.parseLong(Files.readString(
        tracefs.resolve("events").resolve(category).resolve(event).resolve("id")).trim());
    int fd;
    try (Memory attr = new Memory(PERF_ATTR_SIZE)) {
      attr.clear();
      attr.setInt(0, PERF_TYPE_TRACEPOINT);
      attr.setInt(4, PERF_ATTR_SIZE);
      attr.setLong(8, id);
      attr.setLong(16, 1); // sample_period
      attr.setLong(24, PERF_SAMPLE_RAW);
      attr.setInt(48, 1); // wakeup_events
      fd = syscall(Numbers.PERF_EVENT_OPEN, attr, -1L, 0L, -1L, (long) PERF_FLAG_FD_CLOEXEC);
    }
    if (fd < 0) {
      return fd;
    }
    int r = syscall(Numbers.IOCTL, (long) fd, PERF_EVENT_IOC_SET_BPF, (long) progFd);
    if (r >= 0) {
      r = syscall(Numbers.IOCTL, (long) fd, PERF_EVENT_IOC_ENABLE, 0L);
    }
    if (r < 0) {
      LibC.close(fd);
      return r;
    }
    return fd;
  }

  private static int syscall(long number, Object... args) {
    if (number < 0) {
      return -38; // ENOSYS
    }
    long r = BpfMaps.Libc.INSTANCE.syscall(number, args);
    return r >= 0 ? (int) r : -Native.getLastError();
  }

  /** Syscall numbers of the two architectures memspan knows ({@link BpfMaps#syscallNumber()}). */
  private static final class Numbers {
    static final long PERF_EVENT_OPEN = pick(298, 241);
    static final long IOCTL = pick(16, 29);

    static long pick(long x86, long arm64) {
      if (Platform.isLinux() && Platform.is64Bit()) {
        if (Platform.isIntel()) {
          return x86;
        }
        if (Platform.isARM()) {
          return arm64;
        }
      }
      return -1;
    }
  }
}
