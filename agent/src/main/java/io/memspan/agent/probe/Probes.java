package io.memspan.agent.probe;

import static io.memspan.agent.probe.Load.arg;
import static io.memspan.agent.probe.Load.field;
import static io.memspan.agent.probe.Load.returned;
import static io.memspan.agent.probe.Load.self;
import static io.memspan.agent.probe.Load.selfClass;
import static io.memspan.agent.probe.ProbeSpec.instance;
import static io.memspan.agent.probe.ProbeSpec.of;
import static io.memspan.agent.probe.ProbeSpec.ofStatic;

import java.util.List;

/**
 * Every built-in probe: where each JDK structure grows, on JDK 17 and JDK 25, and which hook each
 * growth calls with which of the method's values. Hooks are named, never referenced as classes:
 * they must be loaded from the bootstrap jar, not from the agent's loader.
 */
public final class Probes {
  private Probes() {}

  static final String LIST_HOOKS = "io.memspan.agent.boot.ListHooks";
  static final String HASH_HOOKS = "io.memspan.agent.boot.HashHooks";
  static final String BUFFER_HOOKS = "io.memspan.agent.boot.BufferHooks";

  /** The growth copy of byte-array buffers: {@code Arrays.copyOf(byte[], int)}. */
  static final String ARRAYS_COPY_OF_BYTES = "java/util/Arrays.copyOf([BI)[B";

  /** The bootstrap classes the woven JDK code calls, besides MemspanHooks and HookSink. */
  public static final List<String> HOOK_CLASSES = List.of(LIST_HOOKS, HASH_HOOKS, BUFFER_HOOKS);

  public static List<ProbeSpec> builtIn() {
    return List.of(
        of("ArrayList", "java.util.ArrayList",
            instance("grow", "(I)")
                .enter(LIST_HOOKS, "arrayListEnter",
                    self(), field("elementData"), field("size"), arg(0))
                .exit("exit", field("elementData"))),
        of("Vector", "java.util.Vector",
            instance("grow", "(I)")
                .enter(LIST_HOOKS, "vectorEnter", self(), field("elementData"),
                    field("elementCount"), field("capacityIncrement"), arg(0))
                .exit("exit", field("elementData"))),
        of("ArrayDeque", "java.util.ArrayDeque",
            instance("grow", "(I)")
                .enter(LIST_HOOKS, "arrayDequeEnter",
                    self(), field("elements"), field("head"), field("tail"), arg(0))
                .exit("exit", field("elements"))),
        of("PriorityQueue", "java.util.PriorityQueue",
            instance("grow", "(I)")
                .enter(LIST_HOOKS, "priorityQueueEnter",
                    self(), field("queue"), field("size"), arg(0))
                .exit("exit", field("queue"))),
        of("HashMap", "java.util.HashMap",
            instance("resize", "()")
                .enter(HASH_HOOKS, "hashMapEnter",
                    self(), field("table"), field("threshold"), field("size"))
                .exit("exit", field("table"))),
        of("ConcurrentHashMap", "java.util.concurrent.ConcurrentHashMap",
            instance("transfer", "([Ljava/util/concurrent/ConcurrentHashMap$Node;"
                + "[Ljava/util/concurrent/ConcurrentHashMap$Node;)")
                .enter(HASH_HOOKS, "concurrentHashMapEnter", self(), arg(0), arg(1))
                .exit("concurrentHashMapExit", arg(0))),
        of("IdentityHashMap", "java.util.IdentityHashMap",
            instance("resize", "(I)")
                .enter(HASH_HOOKS, "identityHashMapEnter",
                    self(), field("table"), field("size"), arg(0))
                .exit("identityHashMapExit", field("table"))),
        of("WeakHashMap", "java.util.WeakHashMap",
            instance("resize", "(I)")
                .enter(HASH_HOOKS, "weakHashMapEnter",
                    self(), field("table"), field("size"), arg(0))
                .exit("exit", field("table"))),
        of("Hashtable", "java.util.Hashtable",
            instance("rehash", "()")
                .enter(HASH_HOOKS, "hashtableEnter", self(), field("table"), field("count"))
                .exit("exit", field("table"))),
        // JDK 17 grows inside an instance method called on every append: only its growth copy
        // is replaced. JDK 21+ grows through private static methods that take the array and
        // coder (no `this`), called only to grow. Whichever exist are woven.
        of("StringBuilder", "java.lang.AbstractStringBuilder",
            instance("ensureCapacityInternal", "(I)")
                .replacingCall(ARRAYS_COPY_OF_BYTES, BUFFER_HOOKS, "stringBuilderCopy",
                    selfClass(), field("coder"), field("count")),
            ofStatic("ensureCapacitySameCoder", "([BBI)")
                .enter(BUFFER_HOOKS, "stringBuilderSameCoderEnter", arg(0), arg(1), arg(2))
                .exit("stringBuilderStaticExit", returned(), arg(1)),
            ofStatic("ensureCapacityNewCoder", "([BBIIB)")
                .enter(BUFFER_HOOKS, "stringBuilderNewCoderEnter",
                    arg(0), arg(1), arg(2), arg(3), arg(4))
                .exit("stringBuilderStaticExit", returned(), arg(4))),
        of("ByteArrayOutputStream", "java.io.ByteArrayOutputStream",
            // called on every write: only its growth copy is replaced
            instance("ensureCapacity", "(I)")
                .replacingCall(ARRAYS_COPY_OF_BYTES, BUFFER_HOOKS, "byteArrayOutputStreamCopy",
                    selfClass(), field("count"))),
        of("ByteBuffer.allocateDirect", "java.nio.ByteBuffer",
            ofStatic("allocateDirect", "(I)")
                .enter(BUFFER_HOOKS, "allocateDirectEnter", arg(0))
                .exit("allocateDirectExit", returned(), arg(0))),
        of("FileChannel.map", "sun.nio.ch.FileChannelImpl",
            instance("map", "(Ljava/nio/channels/FileChannel$MapMode;JJ)")
                .enter(BUFFER_HOOKS, "fileMapEnter", arg(2))
                .exit("fileMapExit", returned(), arg(2))));
  }
}
