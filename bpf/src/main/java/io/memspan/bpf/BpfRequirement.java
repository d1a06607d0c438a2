package io.memspan.bpf;

import java.util.Optional;

/**
 * The one rule for tests that need eBPF, usable from any module's tests without a test-jar: when the
 * probe cannot load here, the test is skipped with the exact reason, unless environment variable
 * {@code MEMSPAN_REQUIRE_BPF=1} (CI), in which case it fails. JUnit-free: the skip is JUnit's own
 * {@code org.opentest4j.TestAbortedException}, created reflectively when it is on the class path.
 */
public final class BpfRequirement {
  public static final String REQUIRE_ENV = "MEMSPAN_REQUIRE_BPF";

  private static Optional<String> reason;

  private BpfRequirement() {}

  /** Whether CI demands eBPF ({@code MEMSPAN_REQUIRE_BPF=1}). */
  public static boolean required() {
    return "1".equals(System.getenv(REQUIRE_ENV));
  }

  /**
   * Why the bcc probe cannot load here, or empty when it can. Loads it once per JVM (with a small
   * ring) and caches the answer.
   */
  public static synchronized Optional<String> unavailableReason() {
    if (reason == null) {
      try (MemoryProbe probe = MemoryProbes.bcc(ProbeOptions.defaults().withRingBytes(64 << 10)
          .withSlots(64))) {
        reason = Optional.empty();
      } catch (ProbeUnavailableException e) {
        reason = Optional.of(e.getMessage());
      } catch (RuntimeException | LinkageError e) {
        reason = Optional.of(e.toString());
      }
    }
    return reason;
  }

  /**
   * Returns when eBPF works here; otherwise aborts the calling test (skip) with the reason, or
   * fails it with an {@link AssertionError} when {@code MEMSPAN_REQUIRE_BPF=1}.
   */
  public static void assumeAvailable() {
    Optional<String> why = unavailableReason();
    assumeThat(why.isEmpty(), why.map(w -> "eBPF is not available: " + w).orElse(""));
  }

  /**
   * A precondition of an eBPF test other than the probe itself (a tool such as unshare, a
   * capability, root): returns when it holds; otherwise skips the test with {@code why}, or fails
   * it when {@code MEMSPAN_REQUIRE_BPF=1}, so that CI never passes by skipping.
   */
  public static void assumeThat(boolean holds, String why) {
    if (holds) {
      return;
    }
    if (required()) {
      throw new AssertionError(REQUIRE_ENV + "=1 but " + why);
    }
    RuntimeException abort;
    try {
      abort = (RuntimeException) Class.forName("org.opentest4j.TestAbortedException")
          .getConstructor(String.class).newInstance(why);
    } catch (ReflectiveOperationException | ClassCastException e) {
      abort = new IllegalStateException(why);
    }
    throw abort;
  }
}
