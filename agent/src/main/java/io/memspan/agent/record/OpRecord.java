package io.memspan.agent.record;

import io.memspan.agent.op.CallSite;
import io.memspan.bpf.SlotCounters;

/**
 * One finished op as the application thread leaves it for the poller: a reusable slot of a
 * thread's {@link OpRing}, so recording an op allocates nothing. Byte estimates, names and epoch
 * times are derived later, on the poller thread.
 */
final class OpRecord {
  long opId;
  int kind;
  String structureType;
  int structureId;
  long resizeId;
  long capacityBefore;
  long capacityAfter;
  long size;
  /** byte length of the old and new backing arrays when they are byte arrays, else -1 */
  long oldBytes;
  long newBytes;
  long startNanos;
  long endNanos;
  int tid;
  long threadId;
  String threadName;
  CallSite callSite;
  boolean kept;
  boolean capped;
  String kernelSource;
  final SlotCounters counters = new SlotCounters();
}
