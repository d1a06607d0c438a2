package io.memspan.agent.boot;

import io.memspan.agent.probe.Kinds;

/**
 * What the woven byte buffers call: string builders (capacity in chars), ByteArrayOutputStream,
 * direct buffers and file mappings (capacity in bytes). See {@link ListHooks} for the rules.
 */
public final class BufferHooks {
  private BufferHooks() {}

  /**
   * JDK 17: {@code AbstractStringBuilder.ensureCapacityInternal(int)}, called on every append; the
   * fast path is the JDK's own "no growth needed" compare plus ours. The old array is passed as
   * {@code aux}, the new one as the result, so bytes are exact whatever the coder.
   */
  public static long stringBuilderEnter(Object self, byte[] value, int coder, int count,
      int minimumCapacity) {
    // Called on every append: the no-growth test stays under C1's inlining limit (35 bytes).
    if (value == null || minimumCapacity - (value.length >> coder) <= 0) {
      return 0L;
    }
    return stringBuilderGrows(self, value, coder, count, minimumCapacity);
  }

  private static long stringBuilderGrows(Object self, byte[] value, int coder, int count,
      int minimumCapacity) {
    try {
      int old = value.length >> coder;
      int grown = (old << 1) + 2;
      if ((grown > minimumCapacity ? grown : minimumCapacity) < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.STRING_BUILDER, self, value, old, count);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /** JDK 17's builder exit: the builder's (possibly new) array and coder. */
  public static void stringBuilderExit(byte[] value, int coder, long opId) {
    if (opId != 0L) {
      MemspanHooks.end(opId, value, value == null ? 0 : value.length >> coder);
    }
  }

  /**
   * JDK 25: {@code private static byte[] ensureCapacitySameCoder(byte[] value, byte coder, int
   * minimumCapacity)}: no {@code this}; the recorder links successive growths of one builder by
   * its arrays.
   */
  public static long stringBuilderSameCoderEnter(byte[] value, int coder, int minimumCapacity) {
    try {
      int old = value.length >> coder;
      if (minimumCapacity - old <= 0) {
        return 0L;
      }
      int grown = (old << 1) + 2;
      if ((grown > minimumCapacity ? grown : minimumCapacity) < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.STRING_BUILDER, null, value, old, old);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /**
   * JDK 25: {@code private static byte[] ensureCapacityNewCoder(byte[] value, byte coder, int
   * count, int minimumCapacity, byte newCoder)}: grows and/or inflates Latin-1 to UTF-16 (a full
   * copy).
   */
  public static long stringBuilderNewCoderEnter(byte[] value, int coder, int count,
      int minimumCapacity, int newCoder) {
    try {
      int old = value.length >> coder;
      int grown = minimumCapacity - old > 0 ? (old << 1) + 2 : old;
      if (grown < minimumCapacity) {
        grown = minimumCapacity;
      }
      if ((coder == newCoder && grown == old) || grown < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.STRING_BUILDER, null, value, old, count);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /** JDK 25's builder exits: the returned array (null when the method threw) and its coder. */
  public static void stringBuilderStaticExit(byte[] result, int coder, long opId) {
    if (opId != 0L) {
      MemspanHooks.end(opId, result, result == null ? 0 : result.length >> coder);
    }
  }

  /** {@code ByteArrayOutputStream.ensureCapacity(int)}: doubles, or the minimum if larger. */
  public static long byteArrayOutputStreamEnter(Object self, byte[] buf, int count,
      int minCapacity) {
    // Called on every write: the no-growth test stays under C1's inlining limit (35 bytes).
    if (buf == null || minCapacity - buf.length <= 0) {
      return 0L;
    }
    return byteArrayOutputStreamGrows(self, buf, count, minCapacity);
  }

  private static long byteArrayOutputStreamGrows(Object self, byte[] buf, int count,
      int minCapacity) {
    try {
      int old = buf.length;
      int grown = old << 1;
      if ((grown > minCapacity ? grown : minCapacity) < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.BYTE_ARRAY_OUTPUT_STREAM, self, buf, old, count);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /** ByteArrayOutputStream's exit: its (possibly new) buffer. */
  public static void byteArrayOutputStreamExit(byte[] buf, long opId) {
    if (opId != 0L) {
      MemspanHooks.end(opId, buf, buf == null ? 0 : buf.length);
    }
  }

  /** {@code static ByteBuffer.allocateDirect(int capacity)}: the buffer is the structure. */
  public static long allocateDirectEnter(int capacity) {
    try {
      if (capacity < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.DIRECT_BUFFER, null, null, 0, capacity);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /** allocateDirect's exit: the buffer (null when it threw). */
  public static void allocateDirectExit(Object buffer, int capacity, long opId) {
    if (opId != 0L) {
      MemspanHooks.end(opId, buffer, buffer == null ? 0 : capacity);
    }
  }

  /**
   * {@code FileChannelImpl.map(MapMode, long position, long size)}: mapping is memory by
   * definition, so it is armed whatever its size (once the recorder is on).
   */
  public static long fileMapEnter(long size) {
    try {
      if (MemspanHooks.threshold == Long.MAX_VALUE) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.FILE_MAP, null, null, 0, size);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /** FileChannel.map's exit: the mapping (null when it threw). */
  public static void fileMapExit(Object buffer, long size, long opId) {
    if (opId != 0L) {
      MemspanHooks.end(opId, buffer, buffer == null ? 0 : size);
    }
  }
}
