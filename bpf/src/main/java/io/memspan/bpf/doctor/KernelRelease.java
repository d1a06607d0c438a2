package io.memspan.bpf.doctor;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The running kernel's release ({@code uname -r}) and whether it is new enough. */
public record KernelRelease(String text, int major, int minor) {

  /** CAP_BPF, CAP_PERFMON and the BPF ring buffer all arrived in Linux 5.8. */
  public static final int MIN_MAJOR = 5;
  public static final int MIN_MINOR = 8;

  private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

  /** Parses e.g. {@code 6.1.0-56-amd64} or {@code 6.18.44-fc-v445}. */
  public static KernelRelease parse(String release) {
    String text = release.trim();
    Matcher m = VERSION.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException("not a kernel release: '" + text + "'");
    }
    return new KernelRelease(text, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  public boolean atLeast(int wantMajor, int wantMinor) {
    return major > wantMajor || (major == wantMajor && minor >= wantMinor);
  }

  Finding check() {
    if (atLeast(MIN_MAJOR, MIN_MINOR)) {
      return Finding.ok("kernel", text + " (>= 5.8: CAP_BPF, CAP_PERFMON, ring buffer)");
    }
    return Finding.fail("kernel",
        "kernel " + text + " is older than 5.8 (no BPF ring buffer, no CAP_BPF/CAP_PERFMON)",
        "boot a Linux 5.8 or newer kernel");
  }
}
