package io.memspan.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memspan.bpf.BpfRequirement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the kernel says about a thread after it lowered itself, read from /proc like a user would. */
class BackgroundPriorityTest {

  /** Scheduling policy (field 41) and nice (field 19) of /proc/thread-self/stat. */
  record Sched(int policy, int nice) {
    static Sched ofCurrentThread() throws IOException {
      String stat = Files.readString(Path.of("/proc/thread-self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // f[0] is field 3
      return new Sched(Integer.parseInt(f[41 - 3]), Integer.parseInt(f[19 - 3]));
    }
  }

  /**
   * What a lowered thread looks like: SCHED_IDLE keeps the thread's nice (the build may run under
   * `nice`); the fallback is nice 19.
   */
  private static Sched lowered(BackgroundPriority.Level level, Sched before) {
    return level == BackgroundPriority.Level.SCHED_IDLE ? new Sched(5, before.nice())
        : new Sched(0, 19);
  }

  @Test
  void theCallingThreadGoesToSchedIdleAndTheOthersStayWhereTheyWere() throws Exception {
    Sched before = Sched.ofCurrentThread();
    AtomicReference<Object[]> seen = new AtomicReference<>();
    Thread compile = new Thread(() -> {
      try {
        BackgroundPriority.Level level = BackgroundPriority.lowerCurrentThread();
        seen.set(new Object[] {level, Sched.ofCurrentThread()});
      } catch (Throwable e) {
        seen.set(new Object[] {e});
      }
    }, "memspan-start");
    compile.start();
    compile.join();

    Object[] r = seen.get();
    // SCHED_IDLE needs no privilege since Linux 2.6.39; nice 19 is the fallback
    Sched expected = lowered((BackgroundPriority.Level) r[0], before);
    assertEquals(expected, r[1], "the kernel's view of the lowered thread (" + r[0] + ")");
    assertEquals(before, Sched.ofCurrentThread(), "only the calling thread is lowered");
  }

  @Test
  void afterTheGracePeriodTheThreadIsBackAtNormalPriority() throws Exception {
    BpfRequirement.assumeThat(isRoot(), "raising a thread's priority needs CAP_SYS_NICE (root)");
    Sched normal = Sched.ofCurrentThread();
    AtomicReference<Object[]> seen = new AtomicReference<>();
    Thread compile = new Thread(() -> {
      try {
        BackgroundPriority.Lowered lowered = BackgroundPriority.lowerCurrentThreadFor(50);
        Sched low = Sched.ofCurrentThread();
        lowered.deadline().join(); // the deadline has fired and restored this thread
        seen.set(new Object[] {lowered.level, low, Sched.ofCurrentThread()});
      } catch (Throwable e) {
        seen.set(new Object[] {e});
      }
    });
    compile.start();
    compile.join();
    Object[] r = seen.get();
    assertEquals(BackgroundPriority.Level.SCHED_IDLE, r[0], String.valueOf(r[0]));
    assertEquals(lowered(BackgroundPriority.Level.SCHED_IDLE, normal), r[1]);
    assertEquals(normal, r[2], "a compile that outlives its grace competes as before");
  }

  @Test
  void workDoneWithinTheGracePeriodEndsTheLowPriorityAndTheDeadline() throws Exception {
    Sched normal = Sched.ofCurrentThread();
    AtomicReference<Object[]> seen = new AtomicReference<>();
    Thread compile = new Thread(() -> {
      try {
        BackgroundPriority.Lowered lowered = BackgroundPriority.lowerCurrentThreadFor(600_000);
        lowered.close();
        lowered.deadline().join(); // ended by close, long before its ten minutes
        seen.set(new Object[] {lowered.level, Sched.ofCurrentThread()});
      } catch (Throwable e) {
        seen.set(new Object[] {e});
      }
    });
    compile.start();
    compile.join();
    Object[] r = seen.get();
    Sched low = lowered((BackgroundPriority.Level) r[0], normal);
    // raising needs CAP_SYS_NICE: a root thread is back to normal, any other stays low
    assertEquals(isRoot() ? normal : low, r[1], String.valueOf(r[0]));
  }

  private static boolean isRoot() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return line.split("\\s+")[2].equals("0"); // effective uid
      }
    }
    return false;
  }

  @Test
  void threadsStartedByALoweredThreadInheritItSoItMustStartNoneThatMustStayPrompt()
      throws Exception {
    Sched before = Sched.ofCurrentThread();
    AtomicReference<Object> child = new AtomicReference<>();
    AtomicReference<BackgroundPriority.Level> level = new AtomicReference<>();
    Thread parent = new Thread(() -> {
      level.set(BackgroundPriority.lowerCurrentThread());
      Thread t = new Thread(() -> {
        try {
          child.set(Sched.ofCurrentThread());
        } catch (IOException e) {
          child.set(e);
        }
      });
      t.start();
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    parent.start();
    parent.join();
    assertEquals(lowered(level.get(), before), child.get());
  }
}
