package io.memspan.collector.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.SpoolEntry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An entry that cannot be decoded is dropped and counted, never retried forever (it would block the sink). */
class UnreadableEntryTest {
  @Test
  void undecodableEntriesAreDroppedWithTheirReason() throws Exception {
    byte[] valid = OtlpFixtures.trace(OtlpFixtures.randomId(16), 1).toByteArray();
    // Same layout, but the root span's name is no longer UTF-8: a span count still works, decoding does not.
    byte[] badName = valid.clone();
    byte[] name = "GET /orders".getBytes(StandardCharsets.UTF_8);
    int at = indexOf(badName, name);
    Arrays.fill(badName, at, at + name.length, (byte) 0xFF);
    byte[] truncated = Arrays.copyOf(valid, valid.length - 7);

    // Nothing listens on port 9: a send would be a retry, so a drop proves no send was tried.
    try (Forwarder zipkin = Forwarders.create(List.of(), null, "http://127.0.0.1:9", new Metrics()).get(0)) {
      zipkin.deliver(new SpoolEntry(0, Signal.TRACES, 0, badName));
      zipkin.deliver(new SpoolEntry(1, Signal.TRACES, 0, truncated));
      assertEquals(Map.of("unreadable_entry", 2L), zipkin.stats().droppedRequestsByReason());
      assertEquals(Map.of("unreadable_entry", 2L), zipkin.stats().droppedItemsByReason(),
          "the two spans of the entry whose spans could still be counted");
      assertEquals(0, zipkin.stats().retried());
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
