package io.memspan.collector.store;

import static io.memspan.collector.store.OtlpSpans.entry;
import static io.memspan.collector.store.OtlpSpans.op;
import static io.memspan.collector.store.OtlpSpans.request;
import static io.memspan.collector.store.OtlpSpans.span;
import static io.memspan.collector.store.OtlpSpans.spanId;
import static io.memspan.collector.store.OtlpSpans.traceId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.collector.ops.Metrics;
import io.memspan.collector.spool.Signal;
import io.memspan.collector.spool.SpoolEntry;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedStoreTest {
  private static final long T0 = 1_763_700_000_000_000_000L;

  @Test
  void queriesByServiceNameAttributeTimeRangeAndLimit() {
    EmbeddedStore store = new EmbeddedStore();
    store.deliver(entry(request("shop",
        op(1, 1, "ArrayList", "com.shop.Cart.add", 10, "main", 100, T0, 3, 0, 80, 0),
        op(1, 2, "HashMap", "com.shop.Index.put", 20, "main", 100, T0 + 5_000, 0, 0, 4096, 0),
        op(2, 3, "ArrayList", "com.shop.Cart.add", 10, "worker-1", 101, T0 + 10_000, 1, 2, 160, 0))));
    store.deliver(entry(request("billing",
        op(3, 4, "HashMap", "com.bill.Ledger.put", 7, "main", 200, T0 + 20_000, 0, 0, 64, 0))));

    assertEquals(List.of("billing", "shop"), store.services());
    assertEquals(3, store.spans(SpanQuery.all().withService("shop")).size());
    assertEquals(List.of(spanId(3), spanId(1)),
        ids(store.spans(SpanQuery.all().withName("ArrayList.grow"))), "latest start first");
    assertEquals(List.of(spanId(3)),
        ids(store.spans(SpanQuery.all().withAttribute(SpanAttributes.THREAD_NAME, "worker-1"))));
    assertEquals(List.of(spanId(2)),
        ids(store.spans(SpanQuery.all().withAttribute(SpanAttributes.CODE_LINE, "20"))), "numbers compare as text");
    assertEquals(List.of(spanId(3), spanId(2)),
        ids(store.spans(SpanQuery.all().withRange(T0 + 4_000, T0 + 12_000))), "overlap with the range");
    assertEquals(List.of(spanId(4)), ids(store.spans(SpanQuery.all().withLimit(1))));

    List<StoredSpan> trace = store.trace(traceId(1));
    assertEquals(List.of(spanId(1), spanId(2)), ids(trace));
    StoredSpan first = trace.get(0);
    assertEquals("shop", first.service());
    assertEquals("INTERNAL", first.kind());
    assertEquals(T0, first.startUnixNano());
    assertEquals(1_000, first.durationNanos());
    assertEquals(80L, first.attributes().get(SpanAttributes.BYTES_COPIED));
    assertEquals(List.of(), store.trace(traceId(99)));

    List<TraceSummary> traces = TraceSummary.find(store, SpanQuery.all().withService("shop"));
    assertEquals(List.of(traceId(2), traceId(1)), traces.stream().map(TraceSummary::traceId).toList());
    assertEquals(2, traces.get(1).spanCount());
    assertEquals(80 + 4096, traces.get(1).bytesCopied());
    assertEquals(3, traces.get(0).faults());

    // the root is the span without a parent, even when a child started first
    Span.Builder child = op(7, 71, "ArrayList", "f", 1, "main", 1, T0, 0, 0, 8, 0)
        .setParentSpanId(com.google.protobuf.ByteString.fromHex(spanId(70)));
    store.deliver(entry(request("web", child, span(7, 70, "GET /orders", T0 + 10, 5_000))));
    TraceSummary web = TraceSummary.find(store, SpanQuery.all().withService("web")).get(0);
    assertEquals("GET /orders", web.rootName());
    assertEquals(T0, web.startUnixNano());
    assertEquals(5_010, web.durationNanos());
    assertEquals(2, web.spanCount());
    assertEquals(List.of(traceId(7)), TraceSummary.find(store, SpanQuery.all().withName("ArrayList.grow")
        .withAttribute(SpanAttributes.CODE_FUNCTION, "f")).stream().map(TraceSummary::traceId).toList());
  }

  @Test
  void redeliveryIsIdempotent() {
    Metrics metrics = new Metrics();
    EmbeddedStore store = new EmbeddedStore(1000, metrics);
    SpoolEntry e = entry(request("shop",
        op(1, 1, "ArrayList", "f", 1, "main", 1, T0, 1, 0, 8, 0),
        op(1, 2, "ArrayList", "f", 1, "main", 1, T0 + 1, 1, 0, 8, 0)));
    store.deliver(e);
    store.deliver(e);
    store.deliver(entry(request("shop", op(1, 2, "ArrayList", "f", 1, "main", 1, T0 + 1, 1, 0, 8, 0))));
    assertEquals(2, store.stats().spans());
    assertEquals(3, store.stats().duplicates());
    assertEquals(3, metrics.value("memspan_collector_store_spans_duplicate_total"));
    assertEquals(2, metrics.value("memspan_collector_store_spans"));
    assertEquals(2, CallSiteStats.aggregate(store, SpanQuery.all()).get(0).ops(), "duplicates are not counted twice");
  }

  @Test
  void boundedByCapacityEvictingOldestAndCounting() {
    Metrics metrics = new Metrics();
    EmbeddedStore store = new EmbeddedStore(5, metrics);
    for (int i = 1; i <= 8; i++) {
      store.deliver(entry(request("shop", op(i, i, "ArrayList", "f", 1, "main", 1, T0 + i, 0, 0, 8, 0))));
    }
    StoreStats stats = store.stats();
    assertEquals(5, stats.spans());
    assertEquals(5, stats.traces());
    assertEquals(8, stats.stored());
    assertEquals(3, stats.evicted());
    assertEquals(3, metrics.value("memspan_collector_store_spans_evicted_total"));
    assertEquals(List.of(), store.trace(traceId(3)), "oldest evicted");
    assertEquals(1, store.trace(traceId(4)).size());
    assertNull(store.span(traceId(1), spanId(1)));
    // an evicted span that is redelivered comes back as new: the store only dedupes what it holds
    store.deliver(entry(request("shop", op(1, 1, "ArrayList", "f", 1, "main", 1, T0 + 1, 0, 0, 8, 0))));
    assertEquals(5, store.stats().spans());
    assertEquals(4, store.stats().evicted());
    assertThrows(IllegalArgumentException.class, () -> new EmbeddedStore(0, new Metrics()));
  }

  @Test
  void callSiteAggregatesJoinLatestAdvice() {
    EmbeddedStore store = new EmbeddedStore();
    store.deliver(entry(request("shop",
        op(1, 1, "ArrayList", "com.shop.Cart.add", 10, "main", 100, T0, 3, 1, 80, 0),
        op(1, 2, "ArrayList", "com.shop.Cart.add", 10, "main", 100, T0 + 10, 5, 0, 120, 4096),
        op(1, 3, "HashMap", "com.shop.Index.put", 20, "main", 100, T0 + 20, 0, 0, 1024, 0),
        span(1, 4, "Foreign.span", T0, 5))));
    store.deliver(entry(request("shop",
        advice(5, "ArrayList", "com.shop.Cart.add", 10, T0 + 100, 40),
        advice(6, "ArrayList", "com.shop.Cart.add", 10, T0 + 200, 64),
        advice(7, "ArrayList", "com.shop.Cart.add", 10, T0 + 150, 50),
        advice(8, "Vector", "com.shop.Old.add", 3, T0 + 150, 12))));

    List<CallSiteStats> sites = CallSiteStats.aggregate(store, SpanQuery.all());
    assertEquals(3, sites.size());
    CallSiteStats cart = sites.get(0);
    assertEquals(new CallSite("ArrayList", "com.shop.Cart.add", "App.java", 10), cart.site());
    assertEquals(2, cart.ops());
    assertEquals(200, cart.bytesCopied());
    assertEquals(8, cart.pageFaults());
    assertEquals(1, cart.kernelFaults());
    assertEquals(9, cart.faults());
    assertEquals(1, cart.mmapCount());
    assertEquals(4096, cart.mmapBytes());
    assertEquals(2_000, cart.durationNanos());
    assertEquals(64, cart.advice().recommendedCapacity(), "the latest advice wins");
    assertEquals(T0 + 200 + 1_000, cart.advice().reportedUnixNano());
    assertEquals(1024, sites.get(1).bytesCopied());
    assertNull(sites.get(1).advice());
    assertEquals("Vector", sites.get(2).site().structureType(), "a site with advice only is listed");
    assertEquals(0, sites.get(2).ops());

    List<Advice> advice = CallSiteStats.advice(store, SpanQuery.all());
    assertEquals(2, advice.size());
    Advice a = advice.get(0);
    assertEquals(64, a.recommendedCapacity());
    assertEquals(30, a.samples());
    assertEquals(41.5, a.mean());
    assertEquals(9.25, a.stddev());
    assertEquals(60, a.max());
    assertEquals(6, a.resizesObserved());
    assertEquals(5, a.resizesSaved());
    assertEquals(6400, a.bytesCopiedSaved());
    assertEquals(7, a.faultsSaved());
  }

  static Span.Builder advice(int span, String type, String fn, int line, long start, long recommended) {
    return span(50, span, SpanAttributes.ADVICE_SPAN, start, 1_000,
        SpanAttributes.STRUCTURE_TYPE, type,
        SpanAttributes.CODE_FUNCTION, fn,
        SpanAttributes.CODE_FILE, "App.java",
        SpanAttributes.CODE_LINE, line,
        SpanAttributes.ADVICE_SAMPLES, 30L,
        SpanAttributes.ADVICE_MEAN, 41.5,
        SpanAttributes.ADVICE_STDDEV, 9.25,
        SpanAttributes.ADVICE_MAX, 60L,
        SpanAttributes.ADVICE_RECOMMENDED, recommended,
        SpanAttributes.ADVICE_RESIZES_OBSERVED, 6L,
        SpanAttributes.ADVICE_RESIZES_SAVED, 5L,
        SpanAttributes.ADVICE_BYTES_COPIED_SAVED, 6400L,
        SpanAttributes.ADVICE_FAULTS_SAVED, 7L);
  }

  @Test
  void threadTimelinesAndTimeSeries() {
    EmbeddedStore store = new EmbeddedStore();
    store.deliver(entry(request("shop",
        op(1, 1, "ArrayList", "f", 1, "main", 100, T0 + 2_000, 3, 0, 80, 0),
        op(1, 2, "ArrayList", "f", 1, "main", 100, T0, 1, 1, 40, 0),
        op(1, 3, "HashMap", "g", 2, "<img src=x>", 101, T0 + 9_999, 0, 0, 512, 8192),
        advice(4, "ArrayList", "f", 1, T0, 10))));

    List<ThreadTimeline> threads = ThreadTimeline.of(store, SpanQuery.all());
    assertEquals(2, threads.size(), "advice spans are not operations");
    ThreadTimeline hostile = threads.get(0);
    assertEquals("<img src=x>", hostile.threadName());
    assertEquals(101, hostile.tid());
    ThreadTimeline main = threads.get(1);
    assertEquals(2, main.totalOps());
    assertEquals(5, main.faults());
    assertEquals(120, main.bytesCopied());
    assertEquals(List.of(spanId(2), spanId(1)), main.ops().stream().map(ThreadTimeline.Op::spanId).toList());
    assertEquals(List.of(spanId(1)),
        ThreadTimeline.of(store, SpanQuery.all().withLimit(1)).get(1).ops().stream().map(ThreadTimeline.Op::spanId).toList(),
        "keeps the latest ops");

    TimeSeries ts = TimeSeries.of(store, SpanQuery.all(), 10);
    assertEquals(T0, ts.fromUnixNano());
    assertEquals(1_000, ts.stepNanos());
    assertEquals(10, ts.buckets().size());
    assertEquals(2, ts.buckets().get(0).faults());
    assertEquals(40, ts.buckets().get(0).bytesCopied());
    assertEquals(3, ts.buckets().get(2).faults());
    assertEquals(512, ts.buckets().get(9).bytesCopied());
    assertEquals(8192, ts.buckets().get(9).mmapBytes());
    assertEquals(3, ts.buckets().stream().mapToLong(TimeSeries.Bucket::ops).sum());
    assertThrows(IllegalArgumentException.class, () -> TimeSeries.of(store, SpanQuery.all(), 0));
    assertTrue(TimeSeries.of(new EmbeddedStore(), SpanQuery.all(), 5).buckets().isEmpty());
  }

  @Test
  void spanEventsAttributesAndMalformedEntries() {
    Metrics metrics = new Metrics();
    EmbeddedStore store = new EmbeddedStore(100, metrics);
    Span.Builder s = op(1, 1, "ByteBuffer", "f", 1, "main", 1, T0, 0, 0, 0, 1 << 20);
    s.addEvents(Span.Event.newBuilder().setName("mmap").setTimeUnixNano(T0 + 10)
        .addAttributes(OtlpSpans.attr("len", 1L << 20))
        .addAttributes(OtlpSpans.attr("prot", "PROT_READ|PROT_WRITE"))
        .addAttributes(OtlpSpans.attr("ret", "0x7f0000000000")));
    s.addAttributes(KeyValue.newBuilder().setKey("tags").setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder()
        .setArrayValue(io.opentelemetry.proto.common.v1.ArrayValue.newBuilder()
            .addValues(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("a"))
            .addValues(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setIntValue(2)))));
    store.deliver(entry(request("shop", s)));
    StoredSpan got = store.span(traceId(1), spanId(1));
    assertEquals(1, got.events().size());
    SpanEvent mmap = got.events().get(0);
    assertEquals("mmap", mmap.name());
    assertEquals(T0 + 10, mmap.timeUnixNano());
    assertEquals(1L << 20, mmap.attributes().get("len"));
    assertEquals(List.of("a", 2L), got.attributes().get("tags"));

    store.deliver(new SpoolEntry(9, Signal.TRACES, 0, new byte[] {(byte) 0xff, 0x01, 0x02}));
    store.deliver(new SpoolEntry(10, Signal.METRICS, 0, new byte[0]));
    assertEquals(1, store.stats().malformed());
    assertEquals(1, store.stats().metricRequests());
    assertEquals(1, metrics.value("memspan_collector_store_malformed_total"));
    assertEquals(1, store.stats().spans());
  }

  private static List<String> ids(List<StoredSpan> spans) {
    return spans.stream().map(StoredSpan::spanId).toList();
  }
}
