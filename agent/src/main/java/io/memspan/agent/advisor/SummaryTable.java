package io.memspan.agent.advisor;

import io.memspan.agent.op.Advice;
import io.memspan.agent.probe.Kinds;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The advice as an aligned text table, printed at JVM exit with {@code memspan.summary=true}. */
public final class SummaryTable {
  private static final String[] HEADERS = {
    "call site", "structure", "objects", "mean", "stddev", "max", "recommend", "resizes",
    "saved", "bytes copied saved", "faults saved"};

  private SummaryTable() {}

  public static String format(List<Advice> advice, int limit) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADERS);
    for (Advice a : advice.subList(0, Math.min(limit, advice.size()))) {
      rows.add(new String[] {
        site(a), Kinds.simpleName(a.structureType()), Long.toString(a.samples()),
        String.format(Locale.ROOT, "%.1f", a.meanSize()),
        String.format(Locale.ROOT, "%.1f", a.stddevSize()), Long.toString(a.maxSize()),
        Long.toString(a.recommendedCapacity()), Long.toString(a.resizesObserved()),
        Long.toString(a.resizesSaved()), Long.toString(a.bytesCopiedSaved()),
        Long.toString(a.faultsSaved())});
    }
    int[] width = new int[HEADERS.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("memspan: right-sizing advice (initial capacity per call site)\n");
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        String cell = r[i];
        // text columns left-aligned, numbers right-aligned
        String pad = " ".repeat(width[i] - cell.length());
        sb.append(i < 2 ? cell + pad : pad + cell);
        sb.append(i == r.length - 1 ? "\n" : "  ");
      }
    }
    if (advice.isEmpty()) {
      sb.append("(no structure grew past the threshold)\n");
    }
    return sb.toString();
  }

  private static String site(Advice a) {
    if (a.callSite().className().isEmpty()) {
      return "(unknown)";
    }
    return a.callSite().functionName() + ":" + a.callSite().lineNumber();
  }
}
