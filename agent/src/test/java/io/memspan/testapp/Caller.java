package io.memspan.testapp;

import io.memspan.agent.boot.HookSink;

/** Application code as the recorder sees it: outside the JDK and outside memspan. */
public final class Caller {
  /** The line of the end call below: the call site is taken when the op ends. */
  public static final int GROW_LINE = 14;

  private Caller() {}

  public static void grow(HookSink sink, int kind, Object structure, long before, long after) {
    long id = sink.begin(kind, structure, null, before, before);
    sink.end(id, null, after);
  }
}
