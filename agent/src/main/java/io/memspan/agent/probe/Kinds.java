package io.memspan.agent.probe;

/**
 * The structures memspan probes, one id each. The bootstrap hooks pass the id as a literal (these
 * are compile-time constants, so the hooks never load this class); {@link #info} describes each.
 */
public final class Kinds {
  private Kinds() {}

  public static final int ARRAY_LIST = 0;
  public static final int VECTOR = 1;
  public static final int ARRAY_DEQUE = 2;
  public static final int PRIORITY_QUEUE = 3;
  public static final int HASH_MAP = 4;
  public static final int CONCURRENT_HASH_MAP = 5;
  public static final int IDENTITY_HASH_MAP = 6;
  public static final int WEAK_HASH_MAP = 7;
  public static final int HASHTABLE = 8;
  public static final int STRING_BUILDER = 9;
  public static final int BYTE_ARRAY_OUTPUT_STREAM = 10;
  public static final int DIRECT_BUFFER = 11;
  public static final int FILE_MAP = 12;
  /** A thread helping a ConcurrentHashMap transfer another thread started (same resize id). */
  public static final int CONCURRENT_HASH_MAP_HELPER = 13;

  /** How a kind's elements are stored, which decides bytes per element and the advice formula. */
  public enum Shape {
    /** array of references, grown by copying: advice ceil(mu + 2 sigma) of final capacities */
    REFERENCE_LIST,
    /** hash table of references: advice ceil(n / loadFactor) + 1 */
    HASH_TABLE,
    /** byte or char array grown by copying (capacity in chars or bytes) */
    BYTE_LIST,
    /** fresh off-heap memory, nothing copied, no advice */
    OFF_HEAP
  }

  /**
   * @param typeName structure type used when the op has no instance (static JDK 25 builder methods)
   * @param spanName {@code <SimpleType>.<op>} when the instance's simple name is not known
   * @param opName the op half of the span name
   * @param loadFactor default load factor for hash tables (0 otherwise)
   * @param powerOfTwo table sizes are powers of two (a requested capacity is rounded up)
   */
  public record Info(int id, String typeName, String opName, Shape shape, double loadFactor,
      boolean powerOfTwo) {}

  private static final Info[] INFO = {
    new Info(ARRAY_LIST, "java.util.ArrayList", "grow", Shape.REFERENCE_LIST, 0, false),
    new Info(VECTOR, "java.util.Vector", "grow", Shape.REFERENCE_LIST, 0, false),
    new Info(ARRAY_DEQUE, "java.util.ArrayDeque", "grow", Shape.REFERENCE_LIST, 0, false),
    new Info(PRIORITY_QUEUE, "java.util.PriorityQueue", "grow", Shape.REFERENCE_LIST, 0, false),
    new Info(HASH_MAP, "java.util.HashMap", "resize", Shape.HASH_TABLE, 0.75, true),
    new Info(CONCURRENT_HASH_MAP, "java.util.concurrent.ConcurrentHashMap", "transfer",
        Shape.HASH_TABLE, 0.75, true),
    new Info(IDENTITY_HASH_MAP, "java.util.IdentityHashMap", "resize", Shape.HASH_TABLE,
        2.0 / 3.0, true),
    new Info(WEAK_HASH_MAP, "java.util.WeakHashMap", "resize", Shape.HASH_TABLE, 0.75, true),
    new Info(HASHTABLE, "java.util.Hashtable", "rehash", Shape.HASH_TABLE, 0.75, false),
    new Info(STRING_BUILDER, "java.lang.AbstractStringBuilder", "expand", Shape.BYTE_LIST, 0,
        false),
    new Info(BYTE_ARRAY_OUTPUT_STREAM, "java.io.ByteArrayOutputStream", "grow", Shape.BYTE_LIST,
        0, false),
    new Info(DIRECT_BUFFER, "java.nio.ByteBuffer", "allocateDirect", Shape.OFF_HEAP, 0, false),
    new Info(FILE_MAP, "java.nio.channels.FileChannel", "map", Shape.OFF_HEAP, 0, false),
    new Info(CONCURRENT_HASH_MAP_HELPER, "java.util.concurrent.ConcurrentHashMap", "transfer",
        Shape.HASH_TABLE, 0.75, true),
  };

  /** Ops that are a share of another thread's resize: counted, but not a resize of their own. */
  public static boolean isHelper(int kind) {
    return kind == CONCURRENT_HASH_MAP_HELPER;
  }

  public static int count() {
    return INFO.length;
  }

  public static Info info(int kind) {
    return INFO[kind];
  }

  /** Simple name of a fully qualified class name. */
  public static String simpleName(String typeName) {
    int dot = typeName.lastIndexOf('.');
    int dollar = typeName.lastIndexOf('$');
    return typeName.substring(Math.max(dot, dollar) + 1);
  }
}
