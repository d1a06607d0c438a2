package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * memspan as a non-root user, against the real kernel: {@code memspan doctor} names exactly the
 * capability that is missing, and with ambient {@code bpf,perfmon,dac_read_search} both the doctor
 * and the probe work. Each case runs a child JVM under {@code capsh} (Debian's libcap2-bin; see
 * deploy/setup-test-tools.sh) as user {@code nobody}, from a copy of the jars that user can read.
 */
class UnprivilegedIT {

  private static final String ALL_THREE = "cap_bpf,cap_perfmon,cap_dac_read_search";
  private static final String CAPSH = "/usr/sbin/capsh";
  private static final long TIMEOUT_S = 300;

  private static String user;
  private static String uid;
  private static Path dir;
  private static String java;

  @BeforeAll
  static void prepare() throws Exception {
    BpfRequirement.assumeAvailable(); // eBPF works at all here, as this (root) process
    requireThat(new com.sun.security.auth.module.UnixSystem().getUid() == 0,
        "switching to an unprivileged user needs root (CI runs as root)");
    requireThat(Files.isExecutable(Path.of(CAPSH)),
        CAPSH + " is missing: run deploy/setup-test-tools.sh as root (installs libcap2-bin)");
    user = unprivilegedUser();
    uid = output("id", "-u", user).trim();
    java = ProcessHandle.current().info().command().orElseThrow();

    dir = Files.createTempDirectory("memspan-unpriv-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path doctorJar = Path.of("target/memspan-doctor.jar");
    requireThat(Files.isRegularFile(doctorJar), doctorJar.toAbsolutePath()
        + " is missing: this test runs after package (mvn verify)");
    Files.copy(doctorJar, dir.resolve("memspan-doctor.jar"));
    copyTree(Path.of("target/test-classes"), dir.resolve("test-classes"));
    Path jnaTmp = Files.createDirectory(dir.resolve("tmp"));
    Files.setPosixFilePermissions(jnaTmp, PosixFilePermissions.fromString("rwxrwxrwx"));
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
            p.equals(jnaTmp) ? "rwxrwxrwx" : Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (dir != null) {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void doctorWithoutCapabilitiesNamesThem() throws Exception {
    Run r = asUser(null, "-jar", dir.resolve("memspan-doctor.jar").toString());

    assertEquals(1, r.exit, r.output);
    String verdict = r.lastLine();
    assertTrue(verdict.startsWith("eBPF: not available — missing CAP_BPF, CAP_PERFMON, CAP_DAC_READ_SEARCH"),
        r.output);
    assertTrue(verdict.contains("cap_bpf,cap_perfmon,cap_dac_read_search"), verdict);
    assertTrue(r.output.contains("FAIL  capabilities"), r.output);
    assertTrue(r.output.contains("(euid " + uid + ", CapEff 0000000000000000)"), r.output);
  }

  @Test
  void doctorNamesTheOneCapabilityThatIsMissing() throws Exception {
    Run r = asUser("cap_bpf,cap_perfmon", "-jar", dir.resolve("memspan-doctor.jar").toString());

    assertEquals(1, r.exit, r.output);
    assertTrue(r.lastLine().startsWith("eBPF: not available — missing CAP_DAC_READ_SEARCH ("), r.output);
  }

  @Test
  void doctorWithAmbientCapabilitiesIsReady() throws Exception {
    Run r = asUser(ALL_THREE, "-jar", dir.resolve("memspan-doctor.jar").toString());

    assertEquals(0, r.exit, r.output);
    assertEquals("eBPF: ready", r.lastLine(), r.output);
    assertTrue(r.output.contains("compiled, loaded and attached (bcc)"), r.output);
  }

  @Test
  void probeCountsA64MiBTouchExactlyWithAmbientCapabilities() throws Exception {
    String cp = dir.resolve("memspan-doctor.jar") + ":" + dir.resolve("test-classes");
    Run r = asUser(ALL_THREE, "-cp", cp, AmbientProbeMain.class.getName());

    assertEquals(0, r.exit, r.output);
    Map<String, String> result = r.result();
    assertEquals(uid, result.get("euid"), "ran as " + user + ": " + r.output);
    assertEquals("000000c000000004", result.get("capEff"), "exactly the three ambient capabilities");
    assertEquals("bcc", result.get("source"));
    assertEquals(16384, Long.parseLong(result.get("userFaults")), 2, r.output);
    assertEquals("1", result.get("mmapCount"), r.output);
    assertEquals(String.valueOf(64L << 20), result.get("mmapBytes"), r.output);
    assertEquals("1", result.get("madviseCount"), r.output);
    assertEquals("1", result.get("mmapRecords"), "the ring record of the op's mmap: " + r.output);
  }

  @Test
  void probeWithoutCapabilitiesSaysWhichAreMissing() throws Exception {
    String cp = dir.resolve("memspan-doctor.jar") + ":" + dir.resolve("test-classes");
    Run r = asUser(null, "-cp", cp, AmbientProbeMain.class.getName());

    // What the agent logs when it falls back: the capability, not a consequence such as tracefs.
    assertEquals(3, r.exit, r.output);
    assertTrue(r.output.contains("UNAVAILABLE CAPABILITY: missing capability CAP_BPF and CAP_PERFMON"),
        r.output);
  }

  /** The child's exit status and its stdout and stderr together. */
  private record Run(int exit, String output) {
    String lastLine() {
      List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    Map<String, String> result() {
      String line = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
          .orElseThrow(() -> new AssertionError("no RESULT line:\n" + output));
      Map<String, String> kv = new HashMap<>();
      for (String pair : line.substring("RESULT ".length()).split(" ")) {
        int eq = pair.indexOf('=');
        kv.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
      return kv;
    }
  }

  /**
   * Runs {@code java <args>} as {@link #user} through capsh: with no capabilities at all when
   * {@code ambient} is null, else with exactly those as ambient (inherited across exec).
   */
  private static Run asUser(String ambient, String... javaArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(CAPSH));
    if (ambient != null) {
      cmd.add("--caps=cap_setpcap,cap_setuid,cap_setgid+ep " + ambient + "+eip");
      cmd.add("--keep=1");
    }
    cmd.add("--user=" + user);
    if (ambient != null) {
      cmd.add("--addamb=" + ambient);
    }
    // capsh hands what follows "--" to bash; exec "$@" runs the JVM in bash's place.
    cmd.addAll(List.of("--", "-c", "exec \"$@\"", "memspan-child", java));
    if (Runtime.version().feature() >= 22) {
      cmd.add("--enable-native-access=ALL-UNNAMED");
    }
    cmd.add("-Djna.tmpdir=" + dir.resolve("tmp"));
    cmd.add("-Djava.io.tmpdir=" + dir.resolve("tmp"));
    cmd.addAll(Arrays.asList(javaArgs));

    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes(); // returns when the child closes its output
    if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("child did not finish in " + TIMEOUT_S + " s: " + cmd);
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** {@code nobody} where it exists (Debian, Ubuntu, most images), else a system user made here. */
  private static String unprivilegedUser() throws Exception {
    if (run("getent", "passwd", "nobody") == 0) {
      return "nobody";
    }
    String name = "memspan-unpriv";
    if (run("getent", "passwd", name) != 0) {
      requireThat(run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name) == 0,
          "useradd " + name + " failed");
    }
    return name;
  }

  private static String output(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    requireThat(p.waitFor() == 0, String.join(" ", cmd) + " failed: " + out);
    return out;
  }

  private static int run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path src : (Iterable<Path>) all::iterator) {
        Path dst = to.resolve(from.relativize(src).toString());
        if (Files.isDirectory(src)) {
          Files.createDirectories(dst);
        } else {
          Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void requireThat(boolean holds, String why) {
    BpfRequirement.assumeThat(holds, why);
  }
}
