package io.memspan.agent.boot;

/**
 * What the bootstrap hooks hand growth operations to: the recorder, which lives in the agent's
 * class loader. Lives in the bootstrap jar beside {@link MemspanHooks} so JDK classes can see it.
 */
public interface HookSink {

  /**
   * An op is starting on the calling thread. {@code aux} is probe-specific (the old table of a
   * ConcurrentHashMap transfer, the old array of a JDK 25 string builder). Returns the op id, or 0
   * when the op is not recorded (nested, internal thread, disabled).
   */
  long begin(int kind, Object structure, Object aux, long capacityBefore, long size);

  /**
   * A copy-growth op is starting: the structure's array {@code oldArray} is about to be copied
   * into a larger one (the exit's result). The structure itself is not handed over, only its
   * class ({@code null} when the probed method is static), so that it cannot escape from the
   * compiled code it lives in; its successive growths are linked by their arrays.
   */
  long beginCopy(int kind, Class<?> type, Object oldArray, long capacityBefore, long size);

  /** The op {@code opId} (non-zero) finished; {@code result} is the method's return value if any. */
  void end(long opId, Object result, long capacityAfter);
}
