package io.memspan.bpf.doctor;

import io.memspan.bpf.MemoryProbes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where tracefs is mounted and what its tracepoint format files say. Files are opened, never
 * checked with {@code access(2)}: access uses the real uid without capabilities, so it would say
 * "denied" to a process that reads them fine with CAP_DAC_READ_SEARCH.
 */
final class Tracefs {

  static final String CHECK = "tracefs";

  /** The tracepoints memspan's program attaches to, as category:name. */
  static final List<String> TRACEPOINTS = MemoryProbes.tracepoints();

  /** Where bcc looks, newest convention first: the probe's own list. */
  static final List<String> MOUNT_POINTS = MemoryProbes.tracefsMountPoints();

  static final String MOUNT_FIX = "mount tracefs as root: mount -t tracefs nodev /sys/kernel/tracing"
      + " (deploy/setup-host.sh does it)";

  private static final Pattern ID = Pattern.compile("(?m)^ID: (\\d+)$");

  private Tracefs() {}

  /** The tracefs mount points listed in a {@code /proc/self/mounts} text, in {@link #MOUNT_POINTS} order. */
  static List<String> mountPoints(String mounts) {
    List<String> found = new ArrayList<>();
    for (String line : mounts.split("\n")) {
      String[] f = line.split(" ");
      if (f.length >= 3 && f[2].equals("tracefs")) {
        found.add(f[1]);
      }
    }
    List<String> ordered = new ArrayList<>();
    for (String known : MOUNT_POINTS) {
      if (found.contains(known)) {
        ordered.add(known);
      }
    }
    return ordered;
  }

  /** The {@code ID:} of a tracepoint format file's text, if it has one. */
  static OptionalInt id(String format) {
    Matcher m = ID.matcher(format);
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  static Path formatFile(Path tracefs, String tracepoint) {
    String[] catName = tracepoint.split(":");
    return tracefs.resolve("events").resolve(catName[0]).resolve(catName[1]).resolve("format");
  }

  /** Reads one format file: its text, or empty when it does not exist. Denials are thrown. */
  static Optional<String> readFormat(Path tracefs, String tracepoint) throws IOException {
    try {
      return Optional.of(Files.readString(formatFile(tracefs, tracepoint), StandardCharsets.US_ASCII));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** The tracefs check: mounted, and a format file readable by this process. */
  static Finding check(List<String> mountPoints) {
    if (mountPoints.isEmpty()) {
      return Finding.fail(CHECK, "tracefs is not mounted", MOUNT_FIX);
    }
    Path root = Path.of(mountPoints.get(0));
    try {
      Optional<String> format = readFormat(root, "exceptions:page_fault_user");
      if (format.isEmpty() && !Files.isDirectory(root.resolve("events"))) {
        return Finding.fail(CHECK, root + " has no events/ directory",
            "remount tracefs: umount " + root + " && mount -t tracefs nodev " + root);
      }
      return Finding.ok(CHECK, root + " mounted and readable");
    } catch (AccessDeniedException e) {
      return Finding.fail(CHECK, "cannot read " + e.getFile() + " (permission denied)",
          "read access to tracefs: " + CapabilityCheck.GRANT);
    } catch (IOException e) {
      return Finding.fail(CHECK, "cannot read " + root + ": " + e,
          "check that tracefs is mounted and healthy at " + root);
    }
  }

  /** One tracepoint's check: its format file exists and names an ID. */
  static Finding checkTracepoint(Path root, String tracepoint) {
    String check = "tracepoint " + tracepoint;
    try {
      Optional<String> format = readFormat(root, tracepoint);
      if (format.isEmpty()) {
        return Finding.fail(check, "tracepoint " + tracepoint + " does not exist in this kernel",
            tracepoint.startsWith("syscalls:")
                ? "use a kernel built with CONFIG_FTRACE_SYSCALLS=y"
                : "use an x86_64 kernel (exceptions:page_fault_* are x86 tracepoints)");
      }
      OptionalInt id = id(format.get());
      if (id.isEmpty()) {
        return Finding.fail(check, formatFile(root, tracepoint) + " has no ID line",
            "check that tracefs at " + root + " is healthy (remount it)");
      }
      return Finding.ok(check, "id " + id.getAsInt());
    } catch (IOException e) {
      return Finding.fail(check, "cannot read " + formatFile(root, tracepoint) + ": " + e.getMessage(),
          "read access to tracefs: " + CapabilityCheck.GRANT);
    }
  }
}
