package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Pointer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** With faultAddresses = 4, an armed op keeps the addresses of its first four faults. */
class FaultAddressesTest {

  @Test
  void firstFaultAddressesOfTheOp() {
    try (MemoryProbe probe = Probes.load(ProbeOptions.defaults().withFaultAddresses(4))) {
      ThreadSlot slot = probe.claimCurrentThread();
      Pointer warm = TestLibC.mapAnonymous(1 << 20);
      TestLibC.touch(warm, 1 << 20);
      Pointer p = TestLibC.mapAnonymous(16 * 4096);
      TestLibC.INSTANCE.madvise(p, 16 * 4096, TestLibC.MADV_NOHUGEPAGE);
      long base = Pointer.nativeValue(p);

      slot.arm(3);
      TestLibC.touch(p, 16 * 4096);
      slot.disarm();

      long[] addresses = new long[8];
      int n = slot.readFaultAddresses(addresses);
      assertEquals(4, n, Arrays.toString(addresses));
      assertArrayEquals(new long[] {base, base + 4096, base + 8192, base + 12288},
          Arrays.copyOf(addresses, n));

      slot.arm(4); // re-arming starts a new list
      slot.disarm();
      assertEquals(0, slot.readFaultAddresses(addresses));
      TestLibC.INSTANCE.munmap(p, 16 * 4096);
      TestLibC.INSTANCE.munmap(warm, 1 << 20);
    }
  }
}
