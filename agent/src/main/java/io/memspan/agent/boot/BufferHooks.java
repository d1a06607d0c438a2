package io.memspan.agent.boot;

import io.memspan.agent.probe.Kinds;
import java.util.Arrays;

/**
 * What the woven byte buffers call: string builders (capacity in chars), ByteArrayOutputStream,
 * direct buffers and file mappings (capacity in bytes). See {@link ListHooks} for the rules.
 */
public final class BufferHooks {
  private BufferHooks() {}

  /**
   * JDK 17: the growth copy in {@code AbstractStringBuilder.ensureCapacityInternal(int)}, that
   * is {@code value = Arrays.copyOf(value, newCapacity(min) << coder)}: the op is the copy. The
   * method itself runs on every append and is left as it is. The old array is passed as
   * {@code aux}, the new one as the result, so bytes are exact whatever the coder. The builder
   * is known by its class only (see {@code Load.SelfClass}); the recorder links its successive
   * growths by their arrays.
   */
  public static byte[] stringBuilderCopy(byte[] value, int newLength, Class<?> type, int coder,
      int count) {
    // This body is inlined into every append's compiled code (the JIT inlines the growth branch
    // once it has seen it taken): only the test and the JDK's own copy belong here.
    if ((newLength >> coder) < MemspanHooks.threshold) {
      return Arrays.copyOf(value, newLength);
    }
    return armedStringBuilderCopy(value, newLength, type, coder, count);
  }

  private static byte[] armedStringBuilderCopy(byte[] value, int newLength, Class<?> type,
      int coder, int count) {
    long opId = copyBegins(Kinds.STRING_BUILDER, type, value, newLength, coder, count);
    byte[] copy = null;
    try {
      copy = Arrays.copyOf(value, newLength);
      return copy;
    } finally {
      if (opId != 0L) {
        MemspanHooks.end(opId, copy, copy == null ? 0 : copy.length >> coder);
      }
    }
  }

  /**
   * The growth copy in {@code ByteArrayOutputStream.ensureCapacity(int)} (called on every write):
   * {@code buf = Arrays.copyOf(buf, newLength)}.
   */
  public static byte[] byteArrayOutputStreamCopy(byte[] buf, int newLength, Class<?> type,
      int count) {
    // inlined into every write's compiled code: as small as the copy it replaces (see above)
    if (newLength < MemspanHooks.threshold) {
      return Arrays.copyOf(buf, newLength);
    }
    return armedByteArrayOutputStreamCopy(buf, newLength, type, count);
  }

  private static byte[] armedByteArrayOutputStreamCopy(byte[] buf, int newLength, Class<?> type,
      int count) {
    long opId = copyBegins(Kinds.BYTE_ARRAY_OUTPUT_STREAM, type, buf, newLength, 0, count);
    byte[] copy = null;
    try {
      copy = Arrays.copyOf(buf, newLength);
      return copy;
    } finally {
      if (opId != 0L) {
        MemspanHooks.end(opId, copy, copy == null ? 0 : copy.length);
      }
    }
  }

  /** Begins a copy-growth op if its new capacity reaches the threshold; never throws. */
  private static long copyBegins(int kind, Class<?> type, byte[] old, int newLength, int coder,
      int count) {
    try {
      if ((newLength >> coder) < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.beginCopy(kind, type, old, old.length >> coder, count);
    } catch (Throwable t) {
      return 0L; // never into the JDK method
    }
  }

  /**
   * JDK 25: {@code private static byte[] ensureCapacitySameCoder(byte[] value, byte coder, int
   * minimumCapacity)}: no {@code this}; the recorder links successive growths of one builder by
   * its arrays. Nor is it handed the builder's length: {@code minimumCapacity} is the length
   * plus what is appended ({@code append(int)}, {@code append(CharSequence)}, ...) or a caller's
   * request ({@code ensureCapacity}, {@code setLength}), so the size is reported as unknown (-1),
   * not guessed: the old capacity it used to report overstates it whenever an append of several
   * chars does not fill the builder.
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
      return MemspanHooks.beginCopy(Kinds.STRING_BUILDER, null, value, old, -1);
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
      return MemspanHooks.beginCopy(Kinds.STRING_BUILDER, null, value, old, count);
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
