package io.memspan.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class ByteEstimatesTest {
  @Test
  void referenceWidthIsWhatTheJvmSaysAboutCompressedOops() {
    boolean compressed = Boolean.parseBoolean(ManagementFactory
        .getPlatformMXBean(HotSpotDiagnosticMXBean.class)
        .getVMOption("UseCompressedOops").getValue());
    assertEquals(compressed ? 4 : 8, ByteEstimates.detectReferenceWidth());
  }
}
