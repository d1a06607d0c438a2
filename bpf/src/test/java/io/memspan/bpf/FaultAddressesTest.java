package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Pointer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With faultAddresses = 4, an armed op keeps the addresses of its first four faults. */
class FaultAddressesTest {
  @RegisterExtension
  static final BccProbeExtension bcc =
      new BccProbeExtension(ProbeOptions.defaults().withFaultAddresses(4));

  @Test
  void firstFaultAddressesOfTheOp() {
    ThreadSlot slot = bcc.slot();
    TestLibC.mapTouchAndUnmap(1 << 20);
    Pointer p = TestLibC.mapAnonymous(16 * 4096);
    TestLibC.INSTANCE.madvise(p, 16 * 4096, TestLibC.MADV_NOHUGEPAGE);
    long base = Pointer.nativeValue(p);

    ArmedOp op = ArmedOp.arm(slot, 3);
    TestLibC.touch(p, 16 * 4096);
    op.disarm();

    long[] addresses = new long[8];
    int n = slot.readFaultAddresses(addresses);
    assertEquals(4, n, Arrays.toString(addresses));
    assertArrayEquals(new long[] {base, base + 4096, base + 8192, base + 12288},
        Arrays.copyOf(addresses, n));

    ArmedOp.arm(slot, 4).disarm(); // re-arming starts a new list
    assertEquals(0, slot.readFaultAddresses(addresses));
    TestLibC.INSTANCE.munmap(p, 16 * 4096);
  }
}
