package io.memspan.agent.boot;

/**
 * What the hooks woven into JDK methods ({@link ListHooks}, {@link HashHooks}, {@link BufferHooks})
 * call. It is appended to the bootstrap class path in its own small jar and initialized with
 * {@code Class.forName(name, true, null)} before any JDK method is transformed: were it loaded lazily from inside {@code ArrayList.grow}, loading it
 * would grow an ArrayList again and the JVM would die with {@code ClassCircularityError}.
 *
 * <p>The hooks read {@link #threshold} (one volatile load) and call {@link #begin} only for ops
 * whose new capacity reaches it; until the recorder is installed the threshold is unreachable.
 * Nothing here ever throws into the JDK method.
 */
public final class MemspanHooks {
  private MemspanHooks() {}

  /** Ops whose (predicted) new capacity is below this are not armed; MAX_VALUE = off. */
  public static volatile long threshold = Long.MAX_VALUE;

  private static volatile HookSink sink;

  public static void install(HookSink s, long armThreshold) {
    sink = s;
    threshold = armThreshold;
  }

  /**
   * No new op begins; ops already begun still end, so no thread is left inside an op that never
   * ends (which would make its recorder skip every later op as nested).
   */
  public static void pause() {
    threshold = Long.MAX_VALUE;
  }

  public static void uninstall() {
    threshold = Long.MAX_VALUE;
    sink = null;
  }

  public static long begin(int kind, Object structure, Object aux, long capacityBefore, long size) {
    HookSink s = sink;
    if (s == null) {
      return 0L;
    }
    try {
      return s.begin(kind, structure, aux, capacityBefore, size);
    } catch (Throwable t) {
      return 0L;
    }
  }

  /** An op that copies {@code oldArray} into a larger one, for a structure known by type only. */
  public static long beginCopy(int kind, Class<?> type, Object oldArray, long capacityBefore,
      long size) {
    HookSink s = sink;
    if (s == null) {
      return 0L;
    }
    try {
      return s.beginCopy(kind, type, oldArray, capacityBefore, size);
    } catch (Throwable t) {
      return 0L;
    }
  }

  public static void end(long opId, Object result, long capacityAfter) {
    HookSink s = sink;
    if (s == null || opId == 0L) {
      return;
    }
    try {
      s.end(opId, result, capacityAfter);
    } catch (Throwable t) {
      // the agent never throws into application code
    }
  }
}
