package io.memspan.bench.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Collection-heavy code whose structures grow past the agent's default threshold (4096): what the
 * instrumented grow/resize paths cost an application. {@link AgentOverhead} runs it without the
 * agent and with it (kernel off, rusage, bcc) in one session; run alone it measures the JVM it is
 * given ({@code -jvmArgsAppend -javaagent:...}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CollectionGrowthBench {

  /** Elements per structure: 100,000 means ~12 armed growths of a list, 5 of a map. */
  @Param("100000")
  int n;

  private static final int SMALL = 1000;

  private Integer[] boxed;
  private final Object[] sink = new Object[SMALL];

  @Setup
  public void setup() {
    boxed = new Integer[n];
    for (int i = 0; i < n; i++) {
      boxed[i] = i;
    }
  }

  @Benchmark
  public int arrayListFill() {
    ArrayList<Integer> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(boxed[i]);
    }
    return list.size();
  }

  @Benchmark
  public int hashMapFill() {
    HashMap<Integer, Integer> map = new HashMap<>();
    for (int i = 0; i < n; i++) {
      map.put(boxed[i], boxed[i]);
    }
    return map.size();
  }

  @Benchmark
  public int concurrentHashMapFill() {
    ConcurrentHashMap<Integer, Integer> map = new ConcurrentHashMap<>();
    for (int i = 0; i < n; i++) {
      map.put(boxed[i], boxed[i]);
    }
    return map.size();
  }

  @Benchmark
  public int stringBuilderAppend() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append((char) ('a' + (i & 15)));
    }
    return sb.length();
  }

  /** Appends that never grow past the threshold: the cost of the inlined fast path alone. */
  @Benchmark
  public int smallStringBuilders() {
    int total = 0;
    for (int i = 0; i < n / 64; i++) {
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < 64; j++) {
        sb.append((char) ('a' + (j & 15)));
      }
      total += sb.length();
    }
    return total;
  }

  /**
   * A thousand small maps, each grown once below the threshold (the first put allocates the table
   * through {@code resize()}): the woven fast path's cost per call, with as little else around it
   * as a real map gives. The maps escape into {@link #sink}, as an application's maps do, so the
   * JIT cannot remove them on one side only.
   */
  @Benchmark
  public int smallHashMaps() {
    int total = 0;
    for (int i = 0; i < SMALL; i++) {
      HashMap<Integer, Integer> m = new HashMap<>();
      m.put(boxed[i], boxed[i]);
      sink[i] = m;
      total += m.size();
    }
    return total;
  }

  /** A thousand small lists of 11, each grown twice below the threshold (to 10, then 15). */
  @Benchmark
  public int smallArrayLists() {
    int total = 0;
    for (int i = 0; i < SMALL; i++) {
      ArrayList<Integer> l = new ArrayList<>();
      for (int j = 0; j < 11; j++) {
        l.add(boxed[j]);
      }
      sink[i] = l;
      total += l.size();
    }
    return total;
  }

  /**
   * Exactly one growth the agent arms at its default threshold (a 5,000-char builder grown to
   * 10,002): the difference to no agent is the cost of recording one op, copy excluded.
   */
  @Benchmark
  public int oneArmedGrowth() {
    StringBuilder sb = new StringBuilder(5000);
    sb.ensureCapacity(5001);
    return sb.capacity();
  }
}
