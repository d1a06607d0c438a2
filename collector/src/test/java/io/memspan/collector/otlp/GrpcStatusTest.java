package io.memspan.collector.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The receiver and the forwarders speak gRPC's codes: the same names and numbers as grpc-java's. */
class GrpcStatusTest {
  @Test
  void sameCodesAsGrpcJava() {
    assertEquals(Arrays.stream(Status.Code.values()).map(Enum::name).toList(),
        Arrays.stream(GrpcStatus.values()).map(Enum::name).toList());
    for (Status.Code c : Status.Code.values()) {
      assertEquals(c.value(), GrpcStatus.valueOf(c.name()).code(), c.name());
      assertEquals(GrpcStatus.valueOf(c.name()), GrpcStatus.ofCode(c.value()));
    }
    assertEquals(GrpcStatus.UNKNOWN, GrpcStatus.ofCode(17));
    assertEquals(GrpcStatus.UNKNOWN, GrpcStatus.ofCode(-1));
  }
}
