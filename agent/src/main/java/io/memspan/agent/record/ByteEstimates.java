package io.memspan.agent.record;

import io.memspan.agent.probe.Kinds;

/**
 * Bytes an op copied and allocated, estimated from capacities: a reference array's element is 4
 * bytes with compressed oops and 8 without; a byte array's length is known exactly.
 */
final class ByteEstimates {
  /** Array header with compressed class pointers (mark word, klass, length). */
  static final int ARRAY_HEADER = 16;

  private final int referenceWidth;

  ByteEstimates(int referenceWidth) {
    this.referenceWidth = referenceWidth;
  }

  int referenceWidth() {
    return referenceWidth;
  }

  long copied(int kind, long capacityBefore, long oldBytes) {
    return copiedUnits(kind, capacityBefore, oldBytes) * unitBytes(kind);
  }

  /** Elements (references, or bytes of a byte list) an op copied: {@link #copied} over the width. */
  static long copiedUnits(int kind, long capacityBefore, long oldBytes) {
    switch (Kinds.info(kind).shape()) {
      case REFERENCE_LIST:
        return capacityBefore;
      case HASH_TABLE:
        // helpers' shares are not measured here (their kernel counters are exact)
        return Kinds.isHelper(kind) ? 0 : references(kind, capacityBefore);
      case BYTE_LIST:
        return oldBytes >= 0 ? oldBytes : capacityBefore;
      default:
        return 0;
    }
  }

  /** Bytes of one element {@link #copiedUnits} counts. */
  long unitBytes(int kind) {
    return Kinds.info(kind).shape() == Kinds.Shape.BYTE_LIST ? 1 : referenceWidth;
  }

  long allocated(int kind, long capacityAfter, long newBytes) {
    switch (Kinds.info(kind).shape()) {
      case REFERENCE_LIST:
        return ARRAY_HEADER + capacityAfter * referenceWidth;
      case HASH_TABLE:
        return Kinds.isHelper(kind) ? 0
            : ARRAY_HEADER + references(kind, capacityAfter) * referenceWidth;
      case BYTE_LIST:
        return ARRAY_HEADER + (newBytes >= 0 ? newBytes : capacityAfter);
      default:
        return capacityAfter;
    }
  }

  /** IdentityHashMap keeps keys and values in one array of twice the capacity. */
  private static long references(int kind, long capacity) {
    return kind == Kinds.IDENTITY_HASH_MAP ? capacity * 2 : capacity;
  }

  /**
   * 4 with compressed oops, else 8: the JVM's own scale of an {@code Object[]}. Read from
   * {@code sun.misc.Unsafe}'s constant, not the HotSpot diagnostic bean: the bean pulls in the
   * platform management service (~200 classes, tens of ms of CPU) on the agent's first cycle.
   */
  static int detectReferenceWidth() {
    try {
      int scale = sun.misc.Unsafe.ARRAY_OBJECT_INDEX_SCALE;
      return scale == 8 ? 8 : 4;
    } catch (Throwable e) {
      return 4;
    }
  }
}
