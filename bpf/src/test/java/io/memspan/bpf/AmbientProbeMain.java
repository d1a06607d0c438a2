package io.memspan.bpf;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;

/**
 * The child JVM of {@link UnprivilegedIT}: run as an unprivileged user with ambient capabilities,
 * it loads the bcc probe, maps and touches 64 MiB inside one armed op, and prints one
 * {@code RESULT key=value ...} line for the test to check. No JUnit here: only the doctor jar
 * (the bpf classes and JNA) and this class are on its class path.
 */
public final class AmbientProbeMain {

  private AmbientProbeMain() {}

  public static void main(String[] args) throws Exception {
    long mib64 = 64L << 20;
    long opId = 4242;
    ProcStatus me = ProcStatus.current();
    try (MemoryProbe probe = MemoryProbes.bcc(ProbeOptions.defaults())) {
      ThreadSlot slot = probe.claimCurrentThread();
      // Warm JNA and the touch loop first so their own faults stay out of the measured op.
      TestLibC.mapTouchAndUnmap(mib64);
      probe.poll(r -> { });

      SlotCounters op = new SlotCounters();
      slot.arm(opId);
      Pointer p = TestLibC.mapAndTouch(mib64);
      slot.disarm();
      slot.readOp(op);
      List<SyscallRecord> records = new ArrayList<>();
      probe.poll(records::add);
      long mmapRecords = records.stream()
          .filter(r -> r.opId() == opId && r.syscall() == SyscallRecord.Syscall.MMAP
              && r.args()[1] == mib64 && r.ret() == Pointer.nativeValue(p))
          .count();
      TestLibC.INSTANCE.munmap(p, mib64);

      System.out.println("RESULT euid=" + me.effectiveUid()
          + " capEff=" + String.format("%016x", me.capEff())
          + " source=" + probe.source()
          + " userFaults=" + op.userFaults
          + " mmapCount=" + op.mmapCount
          + " mmapBytes=" + op.mmapBytes
          + " madviseCount=" + op.madviseCount
          + " mmapRecords=" + mmapRecords);
    } catch (ProbeUnavailableException e) {
      System.out.println("UNAVAILABLE " + e.missing() + ": " + e.getMessage());
      System.exit(3);
    }
  }
}
