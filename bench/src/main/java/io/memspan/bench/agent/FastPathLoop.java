package io.memspan.bench.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The agent's unarmed fast path, counted in instructions rather than timed: N small maps (the
 * first put allocates each table through the woven {@code HashMap.resize()}) or N lists of 11
 * (two woven {@code ArrayList.grow} calls each) or N builders of 20 chars, appended one char at a
 * time ({@code builders}) or as five strings of 4 ({@code strings}): one woven expansion each, an
 * instance method on JDK 17, a private static one on JDK 21+, and on both JDKs the woven method
 * (or the one it is inlined into) runs on every append. All below the threshold, escaping into an
 * array.
 * Run under valgrind's callgrind by {@code bench/main-thread-instructions.sh} at two values of N:
 * the difference of the main thread's instruction counts over the difference of N is the
 * instructions one iteration takes, with and without the agent, exactly and whatever else this
 * VM is doing (timed, the same loop moves ±15–25 % here).
 *
 * <p>usage: FastPathLoop maps|lists|builders|strings N
 */
public final class FastPathLoop {
  private static final Object[] SINK = new Object[1024];

  private FastPathLoop() {}

  public static void main(String[] args) {
    if (args.length != 2 || !List.of("maps", "lists", "builders", "strings").contains(args[0])) {
      throw new IllegalArgumentException("usage: FastPathLoop maps|lists|builders|strings N");
    }
    int n = Integer.parseInt(args[1]);
    Integer[] boxed = new Integer[1024];
    for (int i = 0; i < boxed.length; i++) {
      boxed[i] = i;
    }
    long total;
    switch (args[0]) {
      case "maps":
        total = maps(n, boxed);
        break;
      case "lists":
        total = lists(n, boxed);
        break;
      case "builders":
        total = builders(n);
        break;
      default:
        total = strings(n);
    }
    System.out.println(total);
  }

  private static long maps(int n, Integer[] boxed) {
    long total = 0;
    for (int r = 0; r < n; r++) {
      HashMap<Integer, Integer> m = new HashMap<>();
      m.put(boxed[r & 1023], boxed[r & 1023]);
      SINK[r & 1023] = m;
      total += m.size();
    }
    return total;
  }

  private static long lists(int n, Integer[] boxed) {
    long total = 0;
    for (int r = 0; r < n; r++) {
      ArrayList<Integer> l = new ArrayList<>();
      for (int j = 0; j < 11; j++) {
        l.add(boxed[(r + j) & 1023]);
      }
      SINK[r & 1023] = l;
      total += l.size();
    }
    return total;
  }

  private static long builders(int n) {
    long total = 0;
    for (int r = 0; r < n; r++) {
      // 16 chars fit the default capacity; the 17th expands it once (to 34)
      StringBuilder b = new StringBuilder();
      for (int j = 0; j < 20; j++) {
        b.append((char) ('a' + ((r + j) & 15)));
      }
      SINK[r & 1023] = b;
      total += b.length();
    }
    return total;
  }

  private static long strings(int n) {
    String[] parts = {"abcd", "efgh", "ijkl", "mnop", "qrst"};
    long total = 0;
    for (int r = 0; r < n; r++) {
      StringBuilder b = new StringBuilder();
      for (int j = 0; j < 5; j++) {
        b.append(parts[(r + j) % 5]);
      }
      SINK[r & 1023] = b;
      total += b.length();
    }
    return total;
  }
}
