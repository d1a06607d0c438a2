package io.memspan.agent.probe;

import io.memspan.agent.boot.MemspanHooks;
import net.bytebuddy.asm.Advice;

/**
 * Advice for byte buffers: string builders (capacity in chars), ByteArrayOutputStream, direct
 * buffers and file mappings (capacity in bytes). See {@link ListAdvice} for the rules.
 */
public final class BufferAdvice {
  private BufferAdvice() {}

  /**
   * JDK 17: {@code AbstractStringBuilder.ensureCapacityInternal(int)}, called on every append; the
   * fast path is the JDK's own "no growth needed" compare plus ours. The old array is passed as
   * {@code aux}, the new one as the result, so bytes are exact whatever the coder.
   */
  public static final class StringBuilderInstance {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object self,
        @Advice.FieldValue("value") byte[] value,
        @Advice.FieldValue("coder") byte coder,
        @Advice.FieldValue("count") int count,
        @Advice.Argument(0) int minimumCapacity) {
      int old = value.length >> coder;
      if (minimumCapacity - old <= 0) {
        return 0L;
      }
      int grown = (old << 1) + 2;
      if ((grown > minimumCapacity ? grown : minimumCapacity) < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.STRING_BUILDER, self, value, old, count);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId,
        @Advice.FieldValue("value") byte[] value,
        @Advice.FieldValue("coder") byte coder) {
      if (opId != 0L) {
        MemspanHooks.end(opId, value, value.length >> coder);
      }
    }
  }

  /**
   * JDK 25: {@code private static byte[] ensureCapacitySameCoder(byte[] value, byte coder, int
   * minimumCapacity)}: no {@code this}; the recorder links successive growths of one builder by
   * its arrays.
   */
  public static final class StringBuilderSameCoder {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.Argument(0) byte[] value, @Advice.Argument(1) byte coder,
        @Advice.Argument(2) int minimumCapacity) {
      int old = value.length >> coder;
      if (minimumCapacity - old <= 0) {
        return 0L;
      }
      int grown = (old << 1) + 2;
      if ((grown > minimumCapacity ? grown : minimumCapacity) < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.STRING_BUILDER, null, value, old, old);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId, @Advice.Return byte[] result,
        @Advice.Argument(1) byte coder) {
      if (opId != 0L) {
        MemspanHooks.end(opId, result, result == null ? 0 : result.length >> coder);
      }
    }
  }

  /**
   * JDK 25: {@code private static byte[] ensureCapacityNewCoder(byte[] value, byte coder, int count,
   * int minimumCapacity, byte newCoder)}: grows and/or inflates Latin-1 to UTF-16 (a full copy).
   */
  public static final class StringBuilderNewCoder {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.Argument(0) byte[] value, @Advice.Argument(1) byte coder,
        @Advice.Argument(2) int count, @Advice.Argument(3) int minimumCapacity,
        @Advice.Argument(4) byte newCoder) {
      int old = value.length >> coder;
      int grown = minimumCapacity - old > 0 ? (old << 1) + 2 : old;
      if (grown < minimumCapacity) {
        grown = minimumCapacity;
      }
      if ((coder == newCoder && grown == old) || grown < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.STRING_BUILDER, null, value, old, count);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId, @Advice.Return byte[] result,
        @Advice.Argument(4) byte newCoder) {
      if (opId != 0L) {
        MemspanHooks.end(opId, result, result == null ? 0 : result.length >> newCoder);
      }
    }
  }

  /** {@code ByteArrayOutputStream.ensureCapacity(int)}: doubles, or the minimum if larger. */
  public static final class ByteArrayOutputStreamGrow {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object self,
        @Advice.FieldValue("buf") byte[] buf,
        @Advice.FieldValue("count") int count,
        @Advice.Argument(0) int minCapacity) {
      int old = buf.length;
      if (minCapacity - old <= 0) {
        return 0L;
      }
      int grown = old << 1;
      if ((grown > minCapacity ? grown : minCapacity) < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.BYTE_ARRAY_OUTPUT_STREAM, self, buf, old, count);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId, @Advice.FieldValue("buf") byte[] buf) {
      if (opId != 0L) {
        MemspanHooks.end(opId, buf, buf.length);
      }
    }
  }

  /** {@code static ByteBuffer.allocateDirect(int capacity)}: the buffer is the structure. */
  public static final class AllocateDirect {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.Argument(0) int capacity) {
      if (capacity < MemspanHooks.threshold) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.DIRECT_BUFFER, null, null, 0, capacity);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId, @Advice.Return Object buffer,
        @Advice.Argument(0) int capacity) {
      if (opId != 0L) {
        MemspanHooks.end(opId, buffer, buffer == null ? 0 : capacity);
      }
    }
  }

  /**
   * {@code FileChannelImpl.map(MapMode, long position, long size)}: mapping is memory by
   * definition, so it is armed whatever its size.
   */
  public static final class FileChannelMap {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.Argument(2) long size) {
      if (MemspanHooks.threshold == Long.MAX_VALUE) {
        return 0L;
      }
      return MemspanHooks.begin(Kinds.FILE_MAP, null, null, 0, size);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long opId, @Advice.Return Object buffer,
        @Advice.Argument(2) long size) {
      if (opId != 0L) {
        MemspanHooks.end(opId, buffer, buffer == null ? 0 : size);
      }
    }
  }
}
