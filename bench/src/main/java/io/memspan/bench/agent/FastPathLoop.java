package io.memspan.bench.agent;

import java.util.ArrayList;
import java.util.HashMap;

/**
 * The agent's unarmed fast path, counted in instructions rather than timed: N small maps (the
 * first put allocates each table through the woven {@code HashMap.resize()}) or N lists of 11
 * (two woven {@code ArrayList.grow} calls each), all below the threshold, escaping into an array.
 * Run under valgrind's callgrind by {@code bench/main-thread-instructions.sh} at two values of N:
 * the difference of the main thread's instruction counts over the difference of N is the
 * instructions one iteration takes, with and without the agent, exactly and whatever else this
 * VM is doing (timed, the same loop moves ±15–25 % here).
 *
 * <p>usage: FastPathLoop maps|lists N
 */
public final class FastPathLoop {
  private static final Object[] SINK = new Object[1024];

  private FastPathLoop() {}

  public static void main(String[] args) {
    if (args.length != 2 || !(args[0].equals("maps") || args[0].equals("lists"))) {
      throw new IllegalArgumentException("usage: FastPathLoop maps|lists N");
    }
    int n = Integer.parseInt(args[1]);
    Integer[] boxed = new Integer[1024];
    for (int i = 0; i < boxed.length; i++) {
      boxed[i] = i;
    }
    long total = args[0].equals("maps") ? maps(n, boxed) : lists(n, boxed);
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
}
