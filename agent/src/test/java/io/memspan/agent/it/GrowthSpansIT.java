package io.memspan.agent.it;

import static io.memspan.agent.it.Spans.calledFrom;
import static io.memspan.agent.it.Spans.eventNum;
import static io.memspan.agent.it.Spans.inTimeOrder;
import static io.memspan.agent.it.Spans.named;
import static io.memspan.agent.it.Spans.num;
import static io.memspan.agent.it.Spans.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.testing.OtlpGrpcReceiver;
import io.memspan.agent.testing.OtlpHttpReceiver;
import io.memspan.agent.testing.TestCertificate;
import io.memspan.bpf.BpfRequirement;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small application under the agent, exporting to real OTLP receivers (grpc-java and Netty
 * HTTP): the spans must show exactly what the JDK did.
 */
class GrowthSpansIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final long THRESHOLD = 4096;
  /** Every op kept and exported: the exact sequence is the point here. */
  private static final String KEEP_ALL = "instrument=premain,sample.rate=1,"
      + "spans.per.second=1000000,threshold=" + THRESHOLD;
  private static final String APP = "io.memspan.itapp.Workload";

  @Test
  void arrayListToAMillionShowsTheJdkGrowthPolicyAndTheCallSite() throws Exception {
    try (OtlpGrpcReceiver rx = OtlpGrpcReceiver.start()) {
      ForkedJvm.Result r = ForkedJvm.java()
          .agent(KEEP_ALL + ",otel.exporter.otlp.protocol=grpc,otel.exporter.otlp.endpoint="
              + rx.endpoint())
          .run(TIMEOUT, APP, "list").assertExitedNormally();
      List<Span> grows = inTimeOrder(rx.spans(),
          named("ArrayList.grow").and(calledFrom(APP + ".list")));

      // ArrayList: 10 on the first add, then old + old/2, armed once the new capacity >= 4096
      List<Long> expectedAfter = new ArrayList<>();
      List<Long> expectedBefore = new ArrayList<>();
      for (long cap = 10; cap < 1_000_000; ) {
        long next = cap + (cap >> 1);
        if (next >= THRESHOLD) {
          expectedBefore.add(cap);
          expectedAfter.add(next);
        }
        cap = next;
      }
      assertEquals(expectedAfter, grows.stream().map(s -> num(s, "memspan.capacity.after"))
          .toList(), r.stderr());
      assertEquals(expectedBefore, grows.stream().map(s -> num(s, "memspan.capacity.before"))
          .toList());
      int line = Markers.line("list-add");
      for (Span s : grows) {
        assertEquals(line, num(s, "code.line.number"));
        assertEquals("Workload.java", str(s, "code.file.path"));
        assertEquals("java.util.ArrayList", str(s, "memspan.structure.type"));
        assertEquals(num(s, "memspan.capacity.before"), num(s, "memspan.size"), "grows when full");
        assertEquals("main", str(s, "thread.name"));
      }
      assertEquals(1, grows.stream().map(s -> num(s, "memspan.structure.id")).distinct().count());
    }
  }

  @Test
  void hashMapToAMillionShowsEveryTableSizeOverHttp() throws Exception {
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      ForkedJvm.Result r = ForkedJvm.java()
          .agent(KEEP_ALL + ",otel.exporter.otlp.protocol=http/protobuf,"
              + "otel.exporter.otlp.endpoint=" + rx.endpoint())
          .run(TIMEOUT, APP, "map").assertExitedNormally();
      List<Span> resizes = inTimeOrder(rx.spans(),
          named("HashMap.resize").and(calledFrom(APP + ".map")));
      List<Long> expected = new ArrayList<>();
      List<Long> sizes = new ArrayList<>();
      for (long cap = 16; cap * 3 / 4 < 1_000_000; cap <<= 1) {
        if (cap << 1 >= THRESHOLD) {
          expected.add(cap << 1);
          sizes.add(cap * 3 / 4 + 1); // putVal counts the entry, then resizes past 0.75
        }
      }
      assertEquals(expected, resizes.stream().map(s -> num(s, "memspan.capacity.after"))
          .toList(), r.stderr());
      assertEquals(sizes, resizes.stream().map(s -> num(s, "memspan.size")).toList());
      assertEquals(List.of((long) Markers.line("map-put")), resizes.stream()
          .map(s -> num(s, "code.line.number")).distinct().toList());
    }
  }

  /** TLS through the shaded, relocated jar (the in-process tests use unshaded classes). */
  @Test
  void arrayListSpansOverHttpsAndMetricsOverGrpcWithTls(@TempDir Path dir) throws Exception {
    TestCertificate cert = TestCertificate.create(dir);
    try (OtlpHttpReceiver https = OtlpHttpReceiver.startTls(cert);
        OtlpGrpcReceiver grpc = OtlpGrpcReceiver.startTls(cert)) {
      ForkedJvm.Result r = ForkedJvm.java()
          .agent(KEEP_ALL + ",otel.exporter.otlp.traces.endpoint=" + https.endpoint()
              + "/v1/traces,otel.exporter.otlp.metrics.protocol=grpc,"
              + "otel.exporter.otlp.metrics.endpoint=" + grpc.endpoint()
              + ",otel.exporter.otlp.certificate=" + cert.pem())
          .run(TIMEOUT, APP, "list").assertExitedNormally();
      assertTrue(https.endpoint().startsWith("https://"), https.endpoint());
      List<Span> grows = inTimeOrder(https.spans(),
          named("ArrayList.grow").and(calledFrom(APP + ".list")));
      long expected = 0;
      for (long cap = 10; cap < 1_000_000; cap += cap >> 1) {
        if (cap + (cap >> 1) >= THRESHOLD) {
          expected++;
        }
      }
      assertEquals(expected, grows.size(), r.stderr());
      assertTrue(r.stderr().contains("memspan: export to " + https.endpoint() + "/v1/traces "
          + "(http/protobuf): " + https.spans().size() + " spans sent, 0 dropped (queue full), "
          + "0 failed"), r.stderr());
      grpc.awaitMetric(m -> m.getName().equals("memspan.ops"), Duration.ofSeconds(30));
    }
  }

  @Test
  void directBufferOf64MiBShowsItsMmapAndItsFaults() throws Exception {
    BpfRequirement.assumeAvailable();
    try (OtlpGrpcReceiver rx = OtlpGrpcReceiver.start()) {
      ForkedJvm.Result r = ForkedJvm.java()
          .agent(KEEP_ALL + ",kernel=bcc,otel.exporter.otlp.protocol=grpc,"
              + "otel.exporter.otlp.endpoint=" + rx.endpoint())
          // the app must not start before the probe is attached
          .jvmArg("-Dmemspan.it.wait.kernel=true")
          .run(TIMEOUT, APP, "direct").assertExitedNormally();
      assertTrue(r.stderr().contains("memspan: kernel source bcc"), r.stderr());
      List<Span> spans = inTimeOrder(rx.spans(), named("ByteBuffer.allocateDirect")
          .and(calledFrom(APP + ".direct")));
      assertEquals(1, spans.size(), r.stderr());
      Span s = spans.get(0);
      assertEquals(64L << 20, num(s, "memspan.capacity.after"));
      assertEquals("bcc", str(s, "memspan.kernel.source"));
      assertTrue(num(s, "memspan.page_faults") >= 16_000,
          "64 MiB zeroed = 16,384 pages: " + num(s, "memspan.page_faults"));
      List<Span.Event> mmaps = s.getEventsList().stream()
          .filter(e -> e.getName().equals("mmap")).toList();
      // malloc(64 MiB) is served by mmap: the size plus glibc's chunk header, rounded to a page
      long bufferLength = (64L << 20) + 4096;
      List<Span.Event> buffer = mmaps.stream()
          .filter(e -> eventNum(e, "addr") == 0).toList();
      assertEquals(1, buffer.size(), mmaps.toString());
      assertEquals(bufferLength, eventNum(buffer.get(0), "len"), mmaps.toString());
      assertTrue(eventNum(buffer.get(0), "ret") > 0, "an address, not an error");
      // Any other mmap in the op is the JVM committing memory it reserved earlier, at a fixed
      // address (CI saw one 64 KiB MAP_FIXED mapping inside a reserved range, most likely heap or
      // GC data committed for an allocation in the op). It happened on this thread during the
      // op, so it is the op's.
      long mapFixed = 0x10;
      long others = 0;
      for (Span.Event e : mmaps) {
        if (e != buffer.get(0)) {
          assertTrue((eventNum(e, "flags") & mapFixed) != 0, "not a commit: " + e);
          others += eventNum(e, "len");
        }
      }
      assertEquals(bufferLength + others, num(s, "memspan.mmap.bytes"));
    }
  }

  @Test
  void concurrentHashMapFilledByFourThreadsShowsHelpersInOneResize() throws Exception {
    try (OtlpGrpcReceiver rx = OtlpGrpcReceiver.start()) {
      ForkedJvm.Result r = ForkedJvm.java()
          .agent(KEEP_ALL + ",otel.exporter.otlp.protocol=grpc,otel.exporter.otlp.endpoint="
              + rx.endpoint())
          .run(TIMEOUT, APP, "chm").assertExitedNormally();
      List<Span> transfers = inTimeOrder(rx.spans(), named("ConcurrentHashMap.transfer"));
      assertFalse(transfers.isEmpty(), r.stderr());
      Map<Long, List<Span>> byResize = transfers.stream()
          .collect(Collectors.groupingBy(s -> num(s, "memspan.resize.id")));
      Set<Long> sharedResizes = new HashSet<>();
      for (Map.Entry<Long, List<Span>> e : byResize.entrySet()) {
        List<Span> part = e.getValue();
        assertEquals(1, part.stream().map(s -> num(s, "memspan.capacity.after")).distinct()
            .count(), "one resize, one target table: " + part);
        if (part.stream().map(s -> num(s, "thread.id")).distinct().count() >= 2) {
          sharedResizes.add(e.getKey());
          assertTrue(part.stream().allMatch(s -> str(s, "thread.name").startsWith("filler-")));
        }
      }
      assertFalse(sharedResizes.isEmpty(), "no resize had a helper thread among "
          + byResize.size() + " resizes");
      // every doubling from 4096 (the first armed) up to the final table, none skipped; how far
      // it goes depends on contention (CHM checks for a resize only on some puts)
      long max = targets(transfers).stream().mapToLong(Long::longValue).max().orElse(0);
      Set<Long> expected = new HashSet<>();
      for (long cap = 4096; cap <= max; cap <<= 1) {
        expected.add(cap);
      }
      assertEquals(expected, targets(transfers));
      assertTrue(max >= 1 << 19, "2,000,000 entries grew the table to " + max);
    }
  }

  private static Set<Long> targets(List<Span> transfers) {
    return transfers.stream().map(s -> num(s, "memspan.capacity.after"))
        .collect(Collectors.toSet());
  }
}
