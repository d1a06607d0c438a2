package io.memspan.collector.store;

/**
 * The agent's right-sizing advice for one call site, from its latest {@code memspan.advice} span:
 * the capacities objects reached there and what pre-sizing to {@code recommendedCapacity} saves.
 */
public record Advice(
    CallSite site,
    String service,
    long reportedUnixNano,
    long samples,
    double mean,
    double stddev,
    long max,
    long recommendedCapacity,
    long resizesObserved,
    long resizesSaved,
    long bytesCopiedSaved,
    long faultsSaved) {

  static Advice of(StoredSpan s) {
    return new Advice(
        CallSite.of(s),
        s.service(),
        s.endUnixNano(),
        s.longAttr(SpanAttributes.ADVICE_SAMPLES),
        s.doubleAttr(SpanAttributes.ADVICE_MEAN),
        s.doubleAttr(SpanAttributes.ADVICE_STDDEV),
        s.longAttr(SpanAttributes.ADVICE_MAX),
        s.longAttr(SpanAttributes.ADVICE_RECOMMENDED),
        s.longAttr(SpanAttributes.ADVICE_RESIZES_OBSERVED),
        s.longAttr(SpanAttributes.ADVICE_RESIZES_SAVED),
        s.longAttr(SpanAttributes.ADVICE_BYTES_COPIED_SAVED),
        s.longAttr(SpanAttributes.ADVICE_FAULTS_SAVED));
  }
}
