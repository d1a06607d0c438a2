package io.memspan.agent.export;

import static io.memspan.agent.testing.MetricPoints.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.memspan.agent.config.AgentConfig;
import io.memspan.agent.config.ConfigException;
import io.memspan.agent.op.Op;
import io.memspan.agent.testing.OtlpGrpcReceiver;
import io.memspan.agent.testing.OtlpHttpReceiver;
import io.memspan.agent.testing.ReceivedOtlp;
import io.memspan.agent.testing.SilentHost;
import io.memspan.agent.testing.TestCertificate;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spans and metrics reach real OTLP receivers through the SDK exporters and our Netty sender. */
class ExportersTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final ByteArrayOutputStream exitLine = new ByteArrayOutputStream();

  private Telemetry start(Map<String, String> props) {
    Map<String, String> p = new HashMap<>();
    p.put("otel.bsp.schedule.delay", "50");
    p.put("otel.metric.export.interval", "200");
    p.put("otel.service.name", "orders-test");
    p.putAll(props);
    return Exporters.start(AgentConfig.of(Map.of(), p, Map.of()),
        new PrintStream(exitLine, true, StandardCharsets.UTF_8));
  }

  private String exitLine() {
    return exitLine.toString(StandardCharsets.UTF_8);
  }

  @Test
  void httpProtobufCarriesEverySpanAttributeEventAndResource() throws Exception {
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      try (Telemetry t = start(Map.of("otel.exporter.otlp.endpoint", rx.endpoint(),
          "otel.resource.attributes", "deployment.environment=test,team=mem%20ory"))) {
        Op op = SampleOps.op(7);
        assertTrue(t.emit(op));
        List<Span> spans = rx.awaitSpans(1, WAIT);
        assertOpSpan(op, spans.get(0));
        ResourceSpans rs = rx.resourceSpans().get(0);
        Map<String, AnyValue> res = attrs(rs.getResource().getAttributesList());
        assertEquals("orders-test", res.get("service.name").getStringValue());
        assertEquals(ProcessHandle.current().pid(), res.get("process.pid").getIntValue());
        assertEquals(System.getProperty("java.runtime.version"),
            res.get("process.runtime.version").getStringValue());
        assertTrue(res.containsKey("process.runtime.name"));
        assertFalse(res.get("host.name").getStringValue().isEmpty());
        assertEquals("test", res.get("deployment.environment").getStringValue());
        assertEquals("mem ory", res.get("team").getStringValue());
        Map<String, String> h = rx.traceRequests().get(0).headers();
        assertEquals("application/x-protobuf", h.get("content-type"));
        assertEquals(null, h.get("content-encoding"));
      }
      assertTrue(exitLine().contains("1 spans sent, 0 dropped (queue full), 0 failed"),
          exitLine());
    }
  }

  @Test
  void anExportThreadIdleForAWhileWakesForTheNextSpan() throws Exception {
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start();
        Telemetry t = start(Map.of("otel.exporter.otlp.endpoint", rx.endpoint()))) {
      assertTrue(t.emit(SampleOps.op(5)));
      rx.awaitSpans(1, WAIT);
      Thread.sleep(500); // the export thread parks with no timer: only an emit wakes it
      Thread worker = Thread.getAllStackTraces().keySet().stream()
          .filter(th -> th.getName().equals("memspan-export")).findFirst().orElseThrow();
      assertEquals(Thread.State.WAITING, worker.getState(), "idle, it waits on no clock");
      Op op = SampleOps.op(6);
      assertTrue(t.emit(op));
      // well before close (which would wake it anyway), with the SDK's batch delay at 50 ms
      List<Span> spans = rx.awaitSpans(2, Duration.ofSeconds(5));
      assertOpSpan(op, spans.get(1));
    }
  }

  @Test
  void httpWithGzipAndHeaders() throws Exception {
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start();
        Telemetry t = start(Map.of("otel.exporter.otlp.endpoint", rx.endpoint() + "/",
            "otel.exporter.otlp.compression", "gzip",
            "otel.exporter.otlp.headers", "x-tenant=acme,authorization=Bearer%20s3cret",
            "otel.exporter.otlp.traces.headers", "x-tenant=orders"))) {
      Op op = SampleOps.op(8);
      t.emit(op);
      assertOpSpan(op, rx.awaitSpans(1, WAIT).get(0));
      Map<String, String> h = rx.traceRequests().get(0).headers();
      assertEquals("gzip", h.get("content-encoding"));
      assertEquals("orders", h.get("x-tenant"));
      assertEquals("Bearer s3cret", h.get("authorization"));
    }
  }

  @Test
  void grpcCarriesTheSameSpansWithGzipAndHeaders() throws Exception {
    try (OtlpGrpcReceiver rx = OtlpGrpcReceiver.start();
        Telemetry t = start(Map.of("otel.exporter.otlp.protocol", "grpc",
            "otel.exporter.otlp.endpoint", rx.endpoint(),
            "otel.exporter.otlp.compression", "gzip",
            "otel.exporter.otlp.headers", "X-Tenant=acme"))) {
      Op op = SampleOps.op(9);
      t.emit(op);
      t.emitAdvice(List.of(SampleOps.advice()));
      List<Span> spans = rx.awaitSpans(2, WAIT);
      assertOpSpan(op, spans.stream().filter(s -> s.getName().equals("ArrayList.grow"))
          .findFirst().orElseThrow());
      assertAdviceSpan(spans.stream().filter(s -> s.getName().equals("memspan.advice"))
          .findFirst().orElseThrow());
      assertEquals("acme", rx.traceRequests().get(0).headers().get("x-tenant"));
      // the messages were sent gzip-compressed, and grpc-java decompressed them
      assertEquals("gzip", rx.traceRequests().get(0).headers().get("grpc-encoding"));
      assertEquals("orders-test", attrs(rx.resourceSpans().get(0).getResource()
          .getAttributesList()).get("service.name").getStringValue());
    }
  }

  @Test
  void metricSourcesBecomeOtlpMetricsOverBothProtocols() throws Exception {
    try (OtlpHttpReceiver http = OtlpHttpReceiver.start();
        OtlpGrpcReceiver grpc = OtlpGrpcReceiver.start();
        Telemetry t = start(Map.of("otel.exporter.otlp.traces.endpoint",
            http.endpoint() + "/v1/traces",
            "otel.exporter.otlp.metrics.protocol", "grpc",
            "otel.exporter.otlp.metrics.endpoint", grpc.endpoint()))) {
      long[] grows = {5};
      t.register(w -> {
        w.counter("memspan.ops", "{op}", "Ops by type", grows[0], "memspan.structure.type",
            "java.util.ArrayList");
        w.gauge("memspan.coverage", "1", "Share of faults explained", 0.75);
      });
      t.emit(SampleOps.op(1));
      http.awaitSpans(1, WAIT);
      Metric ops = grpc.awaitMetric(m -> m.getName().equals("memspan.ops"), WAIT);
      assertTrue(ops.getSum().getIsMonotonic());
      assertEquals(5, ops.getSum().getDataPoints(0).getAsInt());
      assertEquals("java.util.ArrayList", attrs(ops.getSum().getDataPoints(0)
          .getAttributesList()).get("memspan.structure.type").getStringValue());
      grows[0] = 9;
      grpc.awaitMetric(m -> m.getName().equals("memspan.ops")
          && m.getSum().getDataPoints(0).getAsInt() == 9, WAIT);
      Metric cov = grpc.awaitMetric(m -> m.getName().equals("memspan.coverage"), WAIT);
      assertEquals(0.75, cov.getGauge().getDataPoints(0).getAsDouble());
      grpc.awaitMetric(m -> m.getName().equals(SpanSchema.METRIC_SPANS_EXPORTED)
          && m.getSum().getDataPoints(0).getAsInt() == 1, WAIT);
      assertTrue(http.metricRequests().isEmpty(), "metrics went to the traces endpoint");
    }
  }

  @Test
  void tlsWithASelfSignedCertificateOverHttpAndGrpc(@TempDir Path dir) throws Exception {
    TestCertificate cert = TestCertificate.create(dir);
    try (OtlpHttpReceiver http = OtlpHttpReceiver.startTls(cert);
        OtlpGrpcReceiver grpc = OtlpGrpcReceiver.startTls(cert);
        Telemetry t = start(Map.of(
            "otel.exporter.otlp.traces.endpoint", http.endpoint() + "/v1/traces",
            "otel.exporter.otlp.metrics.protocol", "grpc",
            "otel.exporter.otlp.metrics.endpoint", grpc.endpoint(),
            "otel.exporter.otlp.certificate", cert.pem().toString()))) {
      assertTrue(http.endpoint().startsWith("https://"));
      Op op = SampleOps.op(3);
      t.emit(op);
      assertOpSpan(op, http.awaitSpans(1, WAIT).get(0));
      grpc.awaitMetric(m -> m.getName().equals(SpanSchema.METRIC_SPANS_EXPORTED), WAIT);
    }
  }

  @Test
  void untrustedCertificateIsAFailedExportNotAnError(@TempDir Path dir) throws Exception {
    TestCertificate cert = TestCertificate.create(dir);
    try (OtlpHttpReceiver http = OtlpHttpReceiver.startTls(cert)) {
      OtelTelemetry t = (OtelTelemetry) start(Map.of("otel.exporter.otlp.endpoint",
          http.endpoint(), "otel.exporter.otlp.timeout", "2000"));
      t.emit(SampleOps.op(1));
      ReceivedOtlpAwait.until(() -> t.ledger().failed() == 1, WAIT);
      t.close();
      assertEquals(0, http.spans().size());
      assertTrue(exitLine().contains("1 failed"), exitLine());
    }
  }

  @Test
  void unusableCertificateFileIsAConfigurationError(@TempDir Path dir) throws Exception {
    Path pem = dir.resolve("bad.pem");
    java.nio.file.Files.writeString(pem, "not a certificate");
    ConfigException e = assertThrows(ConfigException.class,
        () -> start(Map.of("otel.exporter.otlp.certificate", pem.toString())));
    assertTrue(e.getMessage().startsWith("otel.exporter.otlp.certificate"), e.getMessage());
  }

  @Test
  void absentCollectorNeverBlocksAndEveryLossIsCounted() throws Exception {
    int port;
    try (OtlpHttpReceiver gone = OtlpHttpReceiver.start()) {
      port = gone.port(); // bound, then closed: connections are refused
    }
    OtelTelemetry t = (OtelTelemetry) start(Map.of(
        "otel.exporter.otlp.endpoint", "http://localhost:" + port,
        "otel.exporter.otlp.timeout", "1000",
        "memspan.export.queue", "64",
        "otel.bsp.max.queue.size", "32",
        "otel.bsp.max.export.batch.size", "16",
        "memspan.export.shutdown.timeout", "1500"));
    int n = 20_000;
    int accepted = 0;
    for (int i = 0; i < n; i++) {
      if (t.emit(SampleOps.op(i))) {
        accepted++;
      }
    }
    ExportLedger l = t.ledger();
    assertEquals(n, l.queued());
    assertEquals(n - accepted, l.dropped());
    assertTrue(l.dropped() > 0, "a 64-slot queue cannot have taken 20000 ops");
    ReceivedOtlpAwait.until(() -> l.failed() > 0, WAIT);
    long before = System.nanoTime();
    t.close();
    long closeMillis = (System.nanoTime() - before) / 1_000_000;
    assertTrue(closeMillis < 5_000, "close took " + closeMillis + " ms");
    assertEquals(0, l.exported());
    String line = exitLine();
    assertTrue(line.startsWith("memspan: export to http://localhost:" + port + "/v1/traces"),
        line);
    assertTrue(line.contains(l.dropped() + " dropped (queue full)"), line);
    assertTrue(line.contains("(last: nothing listening at localhost:" + port + ")"), line);
    assertEquals(1, line.lines().count(), line);
    assertFalse(t.emit(SampleOps.op(0)), "emit after close must refuse");
  }

  @Test
  void refusedConnectionsAreNotRetriedAtExit() throws Exception {
    int port;
    try (OtlpHttpReceiver gone = OtlpHttpReceiver.start()) {
      port = gone.port(); // bound, then closed: connections are refused
    }
    // Every bound far away: only the retries (5 attempts, backoff from 1 s) could make close slow
    OtelTelemetry t = (OtelTelemetry) start(Map.of(
        "otel.exporter.otlp.endpoint", "http://localhost:" + port,
        "otel.exporter.otlp.timeout", "30000",
        "otel.metric.export.interval", "600000",
        "memspan.export.shutdown.timeout", "30000"));
    t.register(w -> w.counter("memspan.ops", "{op}", "Ops", 1));
    t.emit(SampleOps.op(1));
    long before = System.nanoTime();
    t.close(); // the last span batch and the last metrics: one connection refused each
    long closeMillis = (System.nanoTime() - before) / 1_000_000;
    assertTrue(closeMillis < 3_000, "close took " + closeMillis + " ms");
    assertEquals(1, t.ledger().failed(), exitLine());
    assertEquals("memspan: export to http://localhost:" + port + "/v1/traces (http/protobuf): "
        + "0 spans sent, 0 dropped (queue full), 1 failed (last: nothing listening at localhost:"
        + port + ")", exitLine().trim());
  }

  @Test
  void aCollectorThatDoesNotAnswerHoldsTheExitNoLongerThanItsTimeout() throws Exception {
    try (SilentHost host = SilentHost.start()) {
      // connects may take 10 s and the export 30 s: only the exit's own bound can end it sooner
      OtelTelemetry t = (OtelTelemetry) start(Map.of(
          "otel.exporter.otlp.endpoint", host.endpoint(),
          "otel.exporter.otlp.timeout", "30000",
          "otel.bsp.schedule.delay", "600000",
          "otel.metric.export.interval", "600000",
          "memspan.export.shutdown.timeout", "1500"));
      t.emit(SampleOps.op(1));
      long before = System.nanoTime();
      t.close(); // the span batch and the metrics: both connects unanswered
      long closeMillis = (System.nanoTime() - before) / 1_000_000;
      assertTrue(closeMillis >= 1400 && closeMillis < 2500, "close took " + closeMillis + " ms");
      assertEquals("memspan: export to " + host.endpoint() + "/v1/traces (http/protobuf): "
          + "0 spans sent, 0 dropped (queue full), 0 failed, 1 unsent at exit (collector at "
          + "127.0.0.1:" + host.port() + " did not answer within the 1500 ms exit timeout)",
          exitLine().trim());
    }
  }

  @Test
  void aConnectTimeoutIsToldApartFromNobodyListening() throws Exception {
    try (SilentHost host = SilentHost.start()) {
      for (String protocol : List.of("http/protobuf", "grpc")) {
        exitLine.reset();
        OtelTelemetry t = (OtelTelemetry) start(Map.of(
            "otel.exporter.otlp.protocol", protocol,
            "otel.exporter.otlp.endpoint", host.endpoint(),
            "otel.exporter.otlp.timeout", "400", // so connects time out after 400 ms
            "otel.metric.export.interval", "600000",
            "memspan.export.shutdown.timeout", "3000"));
        t.emit(SampleOps.op(1));
        ReceivedOtlpAwait.until(() -> t.ledger().failed() == 1, WAIT);
        String why = "collector at 127.0.0.1:" + host.port() + " did not answer within 400 ms";
        assertEquals(why, t.ledger().lastFailure(), protocol);
        long before = System.nanoTime();
        t.close();
        long closeMillis = (System.nanoTime() - before) / 1_000_000;
        assertTrue(closeMillis < 3500, protocol + ": close took " + closeMillis + " ms");
        assertTrue(exitLine().contains("1 failed (last: " + why + ")"), exitLine());
        assertFalse(exitLine().contains("nothing listening"), exitLine());
      }
    }
  }

  @Test
  void closeDeliversTheLastSpansAndMetricsToAReachableCollector() throws Exception {
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start()) {
      Telemetry t = start(Map.of("otel.exporter.otlp.endpoint", rx.endpoint(),
          "otel.bsp.schedule.delay", "600000",
          "otel.metric.export.interval", "600000"));
      t.register(w -> w.counter("memspan.ops", "{op}", "Ops", 7));
      for (int i = 0; i < 3; i++) {
        t.emit(SampleOps.op(i));
      }
      t.close(); // no batch or metric export was due: all of it leaves now
      assertEquals(3, rx.spans().size());
      Metric ops = rx.awaitMetric(m -> m.getName().equals("memspan.ops"), Duration.ZERO);
      assertEquals(7, ops.getSum().getDataPoints(0).getAsInt());
      assertTrue(exitLine().contains("3 spans sent, 0 dropped (queue full), 0 failed"),
          exitLine());
    }
  }

  @Test
  void refusingCollectorIsRetriedThenCounted() throws Exception {
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start();
        OtlpGrpcReceiver grpc = OtlpGrpcReceiver.start()) {
      rx.respondWith(503);
      grpc.failWith(Status.UNAVAILABLE.withDescription("overloaded"));
      OtelTelemetry http = (OtelTelemetry) start(Map.of("otel.exporter.otlp.endpoint",
          rx.endpoint()));
      OtelTelemetry g = (OtelTelemetry) start(Map.of("otel.exporter.otlp.protocol", "grpc",
          "otel.exporter.otlp.endpoint", grpc.endpoint()));
      http.emit(SampleOps.op(1));
      g.emit(SampleOps.op(1));
      ReceivedOtlpAwait.until(() -> http.ledger().failed() == 1 && g.ledger().failed() == 1,
          WAIT);
      assertTrue(rx.attempts() >= 2, "503 is retryable: attempts=" + rx.attempts());
      assertTrue(grpc.attempts() >= 2, "UNAVAILABLE is retryable: attempts=" + grpc.attempts() + " " + g.ledger().lastFailure());
      assertTrue(http.ledger().lastFailure().contains("503"), http.ledger().lastFailure());
      assertTrue(g.ledger().lastFailure().contains("overloaded"), g.ledger().lastFailure());
      http.close();
      g.close();
      assertEquals(0, rx.spans().size());
    }
  }

  @Test
  void spansCarryOnlyTheNumbersTheirKernelSourceMeasured() throws Exception {
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start();
        Telemetry t = start(Map.of("otel.exporter.otlp.endpoint", rx.endpoint()))) {
      t.emit(SampleOps.op(1, "none"));
      t.emit(SampleOps.op(2, "rusage"));
      List<Span> spans = rx.awaitSpans(2, WAIT);
      Map<String, AnyValue> none = attrs(spans.stream()
          .filter(s -> attrs(s.getAttributesList()).get("memspan.kernel.source").getStringValue()
              .equals("none")).findFirst().orElseThrow().getAttributesList());
      Map<String, AnyValue> rusage = attrs(spans.stream()
          .filter(s -> attrs(s.getAttributesList()).get("memspan.kernel.source").getStringValue()
              .equals("rusage")).findFirst().orElseThrow().getAttributesList());
      // no source: unknown, not zero
      for (String key : List.of("memspan.page_faults", "memspan.page_faults.kernel",
          "memspan.mmap.count", "memspan.mmap.bytes", "memspan.munmap.bytes")) {
        assertFalse(none.containsKey(key), key + " on a span no kernel source measured");
      }
      assertEquals(10_000, none.get("memspan.capacity.before").getIntValue());
      // rusage: faults, all as user faults, and nothing it cannot see
      assertEquals(16_384, rusage.get("memspan.page_faults").getIntValue());
      for (String key : List.of("memspan.page_faults.kernel", "memspan.mmap.count",
          "memspan.mmap.bytes", "memspan.munmap.bytes")) {
        assertFalse(rusage.containsKey(key), key + " on a span rusage measured");
      }
    }
  }

  @Test
  void spansDroppedAndFailedAreMetricsWhereTheUserSeesThem() throws Exception {
    try (OtlpHttpReceiver refusing = OtlpHttpReceiver.start();
        OtlpHttpReceiver metrics = OtlpHttpReceiver.start()) {
      refusing.respondWith(400); // not retryable: each batch fails at once
      OtelTelemetry t = (OtelTelemetry) start(Map.of(
          "otel.exporter.otlp.traces.endpoint", refusing.endpoint() + "/v1/traces",
          "otel.exporter.otlp.metrics.endpoint", metrics.endpoint() + "/v1/metrics",
          "memspan.export.queue", "64",
          "otel.bsp.max.queue.size", "32",
          "otel.bsp.max.export.batch.size", "16",
          // every handed span must have failed before close() returns, however slow the host
          "memspan.export.shutdown.timeout", "20000"));
      int n = 5_000;
      for (int i = 0; i < n; i++) {
        t.emit(SampleOps.op(i));
      }
      ExportLedger l = t.ledger();
      ReceivedOtlpAwait.until(() -> l.failed() > 0, WAIT);
      t.close(); // the last metric export carries the final counts
      assertTrue(l.dropped() > 0, "a 64-slot queue cannot have taken " + n + " ops at once");
      assertEquals(n, sum(metrics.awaitMetric(
          m -> m.getName().equals(SpanSchema.METRIC_SPANS_QUEUED), WAIT), Map.of()));
      assertEquals(l.dropped(), sum(metrics.awaitMetric(
          m -> m.getName().equals(SpanSchema.METRIC_SPANS_DROPPED), WAIT), Map.of()));
      assertEquals(l.failed(), sum(metrics.awaitMetric(
          m -> m.getName().equals(SpanSchema.METRIC_SPANS_FAILED), WAIT), Map.of()));
      assertEquals(0, sum(metrics.awaitMetric(
          m -> m.getName().equals(SpanSchema.METRIC_SPANS_EXPORTED), WAIT), Map.of()));
      // every op is accounted for: dropped at the queue, or handed on and failed at the collector
      assertEquals(n, l.dropped() + l.failed(), "dropped " + l.dropped() + ", failed "
          + l.failed() + ": " + l.lastFailure());
    }
  }

  @Test
  void stalledCollectorTimesOutWithinTheConfiguredTimeout() throws Exception {
    try (OtlpHttpReceiver rx = OtlpHttpReceiver.start();
        OtlpGrpcReceiver grpc = OtlpGrpcReceiver.start()) {
      rx.hang(true);
      grpc.hang(true);
      OtelTelemetry http = (OtelTelemetry) start(Map.of("otel.exporter.otlp.endpoint",
          rx.endpoint(), "otel.exporter.otlp.timeout", "700"));
      OtelTelemetry g = (OtelTelemetry) start(Map.of("otel.exporter.otlp.protocol", "grpc",
          "otel.exporter.otlp.endpoint", grpc.endpoint(), "otel.exporter.otlp.timeout", "700"));
      long t0 = System.nanoTime();
      http.emit(SampleOps.op(1));
      g.emit(SampleOps.op(1));
      ReceivedOtlpAwait.until(() -> http.ledger().failed() == 1 && g.ledger().failed() == 1,
          WAIT);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 6_000, "timed out after " + ms + " ms");
      assertTrue(http.ledger().lastFailure().contains("within 700 ms"),
          http.ledger().lastFailure());
      assertTrue(g.ledger().lastFailure().contains("within 700 ms"), g.ledger().lastFailure());
      http.close();
      g.close();
    }
  }

  // ---------------------------------------------------------------------------------------

  static void assertOpSpan(Op op, Span s) {
    assertEquals(op.name(), s.getName());
    assertEquals(Span.SpanKind.SPAN_KIND_INTERNAL, s.getKind());
    assertEquals(op.startEpochNanos(), s.getStartTimeUnixNano());
    assertEquals(op.endEpochNanos(), s.getEndTimeUnixNano());
    Map<String, AnyValue> a = attrs(s.getAttributesList());
    assertEquals("com.acme.Orders.load", a.get("code.function.name").getStringValue());
    assertEquals("Orders.java", a.get("code.file.path").getStringValue());
    assertEquals(42, a.get("code.line.number").getIntValue());
    assertEquals(1, a.get("thread.id").getIntValue());
    assertEquals("main", a.get("thread.name").getStringValue());
    assertEquals("java.util.ArrayList", a.get("memspan.structure.type").getStringValue());
    assertEquals(123456, a.get("memspan.structure.id").getIntValue());
    assertEquals(10_000, a.get("memspan.capacity.before").getIntValue());
    assertEquals(15_000, a.get("memspan.capacity.after").getIntValue());
    assertEquals(10_000, a.get("memspan.size").getIntValue());
    assertEquals(40_000, a.get("memspan.bytes.copied").getIntValue());
    assertEquals(60_016, a.get("memspan.bytes.allocated").getIntValue());
    assertEquals(16_384, a.get("memspan.page_faults").getIntValue());
    assertEquals(7, a.get("memspan.page_faults.kernel").getIntValue());
    assertEquals(1, a.get("memspan.mmap.count").getIntValue());
    assertEquals(67_112_960, a.get("memspan.mmap.bytes").getIntValue());
    assertEquals(4096, a.get("memspan.munmap.bytes").getIntValue());
    assertEquals(4242, a.get("memspan.tid").getIntValue());
    assertEquals("bcc", a.get("memspan.kernel.source").getStringValue());
    assertFalse(a.containsKey("memspan.resize.id"), "resize id 0 is not exported");
    assertEquals(19, a.size(), a.keySet().toString());

    assertEquals(2, s.getEventsCount());
    Span.Event mmap = s.getEvents(0);
    assertEquals("mmap", mmap.getName());
    Map<String, AnyValue> m = attrs(mmap.getAttributesList());
    assertEquals(0, m.get("addr").getIntValue());
    assertEquals(67_112_960, m.get("len").getIntValue());
    assertEquals(3, m.get("prot").getIntValue());
    assertEquals(34, m.get("flags").getIntValue());
    assertEquals(-1, m.get("fd").getIntValue());
    assertEquals(0, m.get("off").getIntValue());
    assertEquals(0x7f00_0000_0000L, m.get("ret").getIntValue());
    assertEquals(EpochClock.toEpochNanos(op.events().get(0).enterNs()), mmap.getTimeUnixNano());
    Span.Event munmap = s.getEvents(1);
    assertEquals("munmap", munmap.getName());
    Map<String, AnyValue> u = attrs(munmap.getAttributesList());
    assertEquals(4096, u.get("len").getIntValue());
    assertEquals(0x7f00_1000_0000L, u.get("addr").getIntValue());
    assertEquals(0, u.get("ret").getIntValue());
    assertEquals(3, u.size());
  }

  static void assertAdviceSpan(Span s) {
    Map<String, AnyValue> a = attrs(s.getAttributesList());
    assertEquals("java.util.HashMap", a.get("memspan.structure.type").getStringValue());
    assertEquals("com.acme.Orders.load", a.get("code.function.name").getStringValue());
    assertEquals(42, a.get("code.line.number").getIntValue());
    assertEquals(12, a.get("memspan.advice.samples").getIntValue());
    assertEquals(1000.5, a.get("memspan.advice.mean").getDoubleValue());
    assertEquals(10.25, a.get("memspan.advice.stddev").getDoubleValue());
    assertEquals(1031, a.get("memspan.advice.max").getIntValue());
    assertEquals(1399, a.get("memspan.advice.recommended_capacity").getIntValue());
    assertEquals(120, a.get("memspan.advice.resizes_observed").getIntValue());
    assertEquals(110, a.get("memspan.advice.resizes_saved").getIntValue());
    assertEquals(1_048_576, a.get("memspan.advice.bytes_copied_saved").getIntValue());
    assertEquals(64, a.get("memspan.advice.faults_saved").getIntValue());
  }

  static Map<String, AnyValue> attrs(List<KeyValue> kvs) {
    Map<String, AnyValue> m = new HashMap<>();
    for (KeyValue kv : kvs) {
      m.put(kv.getKey(), kv.getValue());
    }
    return m;
  }

  /** Polls a condition; fails after the timeout. */
  static final class ReceivedOtlpAwait extends ReceivedOtlp {
    static void until(java.util.function.BooleanSupplier c, Duration timeout) {
      ReceivedOtlp.await(c, timeout, () -> "condition not met");
    }
  }
}
