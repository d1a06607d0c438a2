package io.memspan.agent.advisor;

import io.memspan.agent.export.MetricSource;
import io.memspan.agent.export.SpanSchema;
import io.memspan.agent.op.Advice;
import io.memspan.agent.op.CallSite;
import io.memspan.agent.probe.Kinds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Right-sizing advice per call site and structure type, in bounded memory: at most
 * {@code maxSites} sites (ops at further sites are counted, not tracked) and {@code
 * maxStructures} structures tracked one by one (the least recently grown is folded into its
 * site's running statistics when the bound is reached). Single-threaded: only the poller calls it.
 */
public final class Advisor implements MetricSource {

  private static final String EXCLUDED_DESCRIPTION =
      "Growth ops left out of the right-sizing advice";

  private final int maxSites;
  private final int maxStructures;
  private final Map<SiteKey, SiteStats> sites = new HashMap<>();
  private final LinkedHashMap<StructureKey, Structure> structures;
  // Written by the poller only (so ++ on a volatile is safe), read by the metric export thread.
  private volatile long untrackedOps;
  private volatile long notSampledOps;

  public Advisor(int maxSites, int maxStructures) {
    this.maxSites = maxSites;
    this.maxStructures = maxStructures;
    this.structures = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<StructureKey, Structure> eldest) {
        if (size() > Advisor.this.maxStructures) {
          eldest.getValue().site.finish(eldest.getValue().value);
          return true;
        }
        return false;
      }
    };
  }

  /** Whether advice applies to this kind at all (not to fresh off-heap memory or helper shares). */
  public static boolean advises(int kind) {
    return Kinds.info(kind).shape() != Kinds.Shape.OFF_HEAP && !Kinds.isHelper(kind);
  }

  public void onOp(int kind, String structureType, int structureId, CallSite site,
      long capacityBefore, long capacityAfter, long size, long bytesCopied, long faults) {
    if (!advises(kind)) {
      return;
    }
    StructureKey skey = new StructureKey(kind, structureType, structureId);
    Structure s = structures.get(skey);
    if (s == null && site == CallSite.NOT_SAMPLED) {
      notSampledOps++;
      return;
    }
    SiteStats stats;
    if (s != null) {
      stats = s.site;
    } else {
      SiteKey key = new SiteKey(kind, structureType, site == null ? CallSite.UNKNOWN : site);
      stats = sites.get(key);
      if (stats == null) {
        if (sites.size() >= maxSites) {
          untrackedOps++;
          return;
        }
        stats = new SiteStats(kind, structureType, key.site);
        sites.put(key, stats);
      }
      s = new Structure(stats);
      structures.put(skey, s);
    }
    long value = Kinds.info(kind).shape() == Kinds.Shape.HASH_TABLE ? size : capacityAfter;
    s.value = Math.max(s.value, value);
    if (capacityBefore > 0 && capacityAfter > capacityBefore) {
      stats.addResize(capacityAfter, bytesCopied, faults);
    }
  }

  /** Ops of structures left out because their call site was not looked up (rate of walks). */
  public long notSampledOps() {
    return notSampledOps;
  }

  /** Ops at sites beyond the bound: counted so the advice says what it does not cover. */
  public long untrackedOps() {
    return untrackedOps;
  }

  /**
   * What the advice leaves out, as {@code memspan.advice.ops.excluded} by {@code memspan.reason}:
   * {@code site_limit} (a new call site beyond the bound) and {@code not_sampled} (a structure
   * whose call site was not looked up). Safe from any thread.
   */
  @Override
  public void collect(MetricWriter w) {
    w.counter(SpanSchema.METRIC_ADVICE_OPS_EXCLUDED, "{op}", EXCLUDED_DESCRIPTION, untrackedOps,
        "memspan.reason", "site_limit");
    w.counter(SpanSchema.METRIC_ADVICE_OPS_EXCLUDED, "{op}", EXCLUDED_DESCRIPTION, notSampledOps,
        "memspan.reason", "not_sampled");
  }

  /** The current advice, largest saving (bytes copied) first. */
  public List<Advice> advice() {
    Map<SiteStats, double[]> live = new IdentityHashMap<>();
    for (Structure s : structures.values()) {
      double[] w = live.computeIfAbsent(s.site, k -> new double[4]); // count, mean, m2, max
      w[0]++;
      double delta = s.value - w[1];
      w[1] += delta / w[0];
      w[2] += delta * (s.value - w[1]);
      w[3] = Math.max(w[3], s.value);
    }
    List<Advice> out = new ArrayList<>();
    for (SiteStats st : sites.values()) {
      double[] w = live.getOrDefault(st, new double[4]);
      long n = st.finishedCount + (long) w[0];
      if (n == 0) {
        continue;
      }
      // Chan et al.'s parallel combination of the two running statistics
      double delta = w[1] - st.finishedMean;
      double mean = st.finishedMean + delta * w[0] / n;
      double m2 = st.finishedM2 + w[2] + delta * delta * st.finishedCount * w[0] / n;
      double stddev = Math.sqrt(Math.max(0, m2 / n));
      long max = Math.max(st.maxValue, (long) w[3]);
      long recommended = Sizing.recommend(st.kind, mean, stddev);
      long[] saved = st.savedAt(Sizing.initialCapacity(st.kind, recommended));
      out.add(new Advice(st.structureType, st.site, n, mean, stddev, max, recommended,
          st.resizes, saved[0], saved[1], saved[2]));
    }
    out.sort(Comparator.comparingLong(Advice::bytesCopiedSaved).reversed()
        .thenComparing(Comparator.comparingLong(Advice::resizesObserved).reversed()));
    return out;
  }

  int trackedStructures() {
    return structures.size();
  }

  // The keys spell out equals/hashCode: a record's are bootstrapped through invokedynamic on
  // first use, 100-150 ms of the poller's first cycle, while application threads fill their
  // 256-op rings (measured: hundreds of ops dropped at the start of a builder-heavy program).

  private static final class SiteKey {
    final int kind;
    final String structureType;
    final CallSite site;

    SiteKey(int kind, String structureType, CallSite site) {
      this.kind = kind;
      this.structureType = structureType;
      this.site = site;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SiteKey && ((SiteKey) o).kind == kind
          && ((SiteKey) o).structureType.equals(structureType) && ((SiteKey) o).site.equals(site);
    }

    @Override
    public int hashCode() {
      return (kind * 31 + structureType.hashCode()) * 31 + site.hashCode();
    }
  }

  private static final class StructureKey {
    final int kind;
    final String structureType;
    final int id;

    StructureKey(int kind, String structureType, int id) {
      this.kind = kind;
      this.structureType = structureType;
      this.id = id;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof StructureKey && ((StructureKey) o).kind == kind
          && ((StructureKey) o).id == id && ((StructureKey) o).structureType.equals(structureType);
    }

    @Override
    public int hashCode() {
      return (kind * 31 + structureType.hashCode()) * 31 + id;
    }
  }

  private static final class Structure {
    final SiteStats site;
    long value;

    Structure(SiteStats site) {
      this.site = Objects.requireNonNull(site);
    }
  }

}
