package io.memspan.agent.probe;

import static io.memspan.agent.probe.ProbeSpec.instance;
import static io.memspan.agent.probe.ProbeSpec.of;
import static io.memspan.agent.probe.ProbeSpec.ofStatic;

import java.util.List;

/** Every built-in probe: where each JDK structure grows, on JDK 17 and JDK 25. */
public final class Probes {
  private Probes() {}

  public static List<ProbeSpec> builtIn() {
    return List.of(
        of("ArrayList", "java.util.ArrayList",
            instance("grow", ListAdvice.ArrayListGrow.class, "int")),
        of("Vector", "java.util.Vector",
            instance("grow", ListAdvice.VectorGrow.class, "int")),
        of("ArrayDeque", "java.util.ArrayDeque",
            instance("grow", ListAdvice.ArrayDequeGrow.class, "int")),
        of("PriorityQueue", "java.util.PriorityQueue",
            instance("grow", ListAdvice.PriorityQueueGrow.class, "int")),
        of("HashMap", "java.util.HashMap",
            instance("resize", HashAdvice.HashMapResize.class)),
        of("ConcurrentHashMap", "java.util.concurrent.ConcurrentHashMap",
            instance("transfer", HashAdvice.ConcurrentHashMapTransfer.class,
                "java.util.concurrent.ConcurrentHashMap$Node[]",
                "java.util.concurrent.ConcurrentHashMap$Node[]")),
        of("IdentityHashMap", "java.util.IdentityHashMap",
            instance("resize", HashAdvice.IdentityHashMapResize.class, "int")),
        of("WeakHashMap", "java.util.WeakHashMap",
            instance("resize", HashAdvice.WeakHashMapResize.class, "int")),
        of("Hashtable", "java.util.Hashtable",
            instance("rehash", HashAdvice.HashtableRehash.class)),
        // JDK 17 grows through an instance method; JDK 21+ through private static methods that
        // take the array and coder (no `this`): separate matchers, whichever exist are used.
        of("StringBuilder", "java.lang.AbstractStringBuilder",
            instance("ensureCapacityInternal", BufferAdvice.StringBuilderInstance.class, "int"),
            ofStatic("ensureCapacitySameCoder", BufferAdvice.StringBuilderSameCoder.class,
                "byte[]", "byte", "int"),
            ofStatic("ensureCapacityNewCoder", BufferAdvice.StringBuilderNewCoder.class,
                "byte[]", "byte", "int", "int", "byte")),
        of("ByteArrayOutputStream", "java.io.ByteArrayOutputStream",
            instance("ensureCapacity", BufferAdvice.ByteArrayOutputStreamGrow.class, "int")),
        of("ByteBuffer.allocateDirect", "java.nio.ByteBuffer",
            ofStatic("allocateDirect", BufferAdvice.AllocateDirect.class, "int")),
        of("FileChannel.map", "sun.nio.ch.FileChannelImpl",
            instance("map", BufferAdvice.FileChannelMap.class,
                "java.nio.channels.FileChannel$MapMode", "long", "long")));
  }
}
