package io.memspan.agent.it;

import static io.memspan.agent.it.Spans.calledFrom;
import static io.memspan.agent.it.Spans.eventNum;
import static io.memspan.agent.it.Spans.has;
import static io.memspan.agent.it.Spans.inTimeOrder;
import static io.memspan.agent.it.Spans.num;
import static io.memspan.agent.it.Spans.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.agent.testing.OtlpGrpcReceiver;
import io.memspan.bpf.BpfRequirement;
import io.memspan.itapp.Workload;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The probed structures GrowthSpansIT leaves out, grown by one forked application (the
 * "structures" workload, one method per structure so that spans are told apart by call site).
 * Every expected growth sequence is worked out here from the growth policy of the JDK running
 * the test (17 or 25; read from its sources), never from the agent's hooks: the spans must show
 * what the JDK did.
 */
class StructureSpansIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final long THRESHOLD = 4096;
  /** Every op kept and exported: the exact sequence is the point here. */
  private static final String KEEP_ALL = "instrument=premain,sample.rate=1,"
      + "spans.per.second=1000000,threshold=" + THRESHOLD;
  private static final String APP = "io.memspan.itapp.Workload";
  /** A heap well under 32 GiB: compressed oops, so a reference is 4 bytes whatever the host. */
  private static final String HEAP = "-Xmx512m";
  private static final long REF = 4;
  /** A Java array's header with compressed class pointers: mark word, klass, length. */
  private static final long ARRAY_HEADER = 16;
  /** JDK 21+ grows builders in private static methods: the agent never sees the builder. */
  private static final boolean STATIC_BUILDER_METHODS = Runtime.version().feature() >= 21;
  /** A growth whose span carries no memspan.size (the agent does not know it). */
  private static final long NO_SIZE = Long.MIN_VALUE;

  private static ForkedJvm.Result run;
  private static List<Span> spans;

  /** One growth as a span shows it, and as the JDK's policy predicts it. */
  record Growth(long before, long after, long size) {}

  @BeforeAll
  static void runTheStructuresWorkloadOnce() throws Exception {
    try (OtlpGrpcReceiver rx = OtlpGrpcReceiver.start()) {
      run = ForkedJvm.java()
          .agent(KEEP_ALL + ",otel.exporter.otlp.protocol=grpc,otel.exporter.otlp.endpoint="
              + rx.endpoint())
          .jvmArg(HEAP)
          .run(TIMEOUT, APP, "structures").assertExitedNormally();
      spans = rx.spans();
    }
  }

  // ---- reference lists: the backing array is copied, one reference per slot ----

  @Test
  void vectorDoublesFromTen() {
    // Vector(): 10 slots; a full vector grows by its capacityIncrement, or doubles if that is 0
    List<Growth> expected = growsWhenAddingToAFullArray(10, cap -> 2 * cap);
    assertLists("vectorDoubling", "vector-add", "Vector.grow", "java.util.Vector", expected,
        REF);
  }

  @Test
  void vectorWithACapacityIncrementGrowsByIt() {
    List<Growth> expected = growsWhenAddingToAFullArray(1000, cap -> cap + 3000);
    assertLists("vectorByIncrement", "vector-increment-add", "Vector.grow", "java.util.Vector",
        expected, REF);
  }

  @Test
  void arrayDequeGrowsOnceItsLastSlotIsTaken() {
    // ArrayDeque(): 16 + 1 slots; addFirst stores the element, then grows if the array is full
    // (head meets tail): by old + 2 while under 64 slots, then by half
    List<Growth> expected = new ArrayList<>();
    long cap = 17;
    for (long size = 1; size <= Workload.ELEMENTS; size++) {
      if (size == cap) {
        long next = cap + (cap < 64 ? cap + 2 : cap >> 1);
        expected.add(new Growth(cap, next, size));
        cap = next;
      }
    }
    assertLists("arrayDeque", "deque-add", "ArrayDeque.grow", "java.util.ArrayDeque",
        armed(expected), REF);
  }

  @Test
  void priorityQueueGrowsLikeTheDequeFromEleven() {
    // PriorityQueue(): 11 slots; offer grows a full queue by old + 2 under 64, then by half
    List<Growth> expected =
        growsWhenAddingToAFullArray(11, cap -> cap + (cap < 64 ? cap + 2 : cap >> 1));
    assertLists("priorityQueue", "pq-add", "PriorityQueue.grow", "java.util.PriorityQueue",
        expected, REF);
  }

  // ---- hash tables: the old table's slots are read, a new table allocated ----

  @Test
  void identityHashMapDoublesPastTwoThirdsFull() {
    // IdentityHashMap(): 32 entries (keys and values in one array of 64); put resizes before
    // inserting when 3 * (size + 1) exceeds the array's length, to twice the capacity
    List<Growth> expected = new ArrayList<>();
    long cap = 32;
    for (long size = 0; size < Workload.ELEMENTS; size++) {
      if (3 * (size + 1) > 2 * cap) {
        expected.add(new Growth(cap, 2 * cap, size));
        cap *= 2;
      }
    }
    // two references per entry: capacity counts entries, the array holds keys and values
    assertLists("identityHashMap", "identity-put", "IdentityHashMap.resize",
        "java.util.IdentityHashMap", armed(expected), 2 * REF);
  }

  @Test
  void weakHashMapDoublesOnceSizeExceedsItsThreshold() {
    // WeakHashMap(): 16 buckets, load factor 0.75; put counts the entry, then doubles the
    // table once size reaches threshold = (int) (capacity * 0.75f) on JDK 17 (`++size >=
    // threshold`), once it exceeds it on JDK 25 (`++size > threshold`, as HashMap; the change
    // came with JDK 19's newWeakHashMap, sized by that rule)
    boolean exceeds = Runtime.version().feature() >= 19;
    List<Growth> expected = new ArrayList<>();
    long cap = 16;
    for (long size = 1; size <= Workload.ELEMENTS; size++) {
      int threshold = (int) (cap * 0.75f);
      if (exceeds ? size > threshold : size >= threshold) {
        expected.add(new Growth(cap, 2 * cap, size));
        cap *= 2;
      }
    }
    assertLists("weakHashMap", "weak-put", "WeakHashMap.resize", "java.util.WeakHashMap",
        armed(expected), REF);
  }

  @Test
  void hashtableGrowsToTwicePlusOne() {
    // Hashtable(): 11 buckets, load factor 0.75; addEntry rehashes before inserting when count
    // >= threshold = (int) (capacity * 0.75f), to 2 * capacity + 1
    List<Growth> expected = new ArrayList<>();
    long cap = 11;
    for (long count = 0; count < Workload.ELEMENTS; count++) {
      if (count >= (int) (cap * 0.75f)) {
        expected.add(new Growth(cap, 2 * cap + 1, count));
        cap = 2 * cap + 1;
      }
    }
    assertLists("hashtable", "hashtable-put", "Hashtable.rehash", "java.util.Hashtable",
        armed(expected), REF);
  }

  // ---- builders (capacity in chars, bytes per char by coder) and byte streams (bytes) ----

  @Test
  void latin1BuilderGrowsToTwicePlusTwoWithOneByteAChar() {
    List<Growth> expected = builderGrowths(16, 0, 7, Workload.APPENDS);
    if (STATIC_BUILDER_METHODS) {
      // append(int) grows through ensureCapacitySameCoder(value, coder, count + digits): the
      // builder's length is not among its arguments, so the size is unknown: no memspan.size
      expected = expected.stream().map(g -> new Growth(g.before(), g.after(), NO_SIZE)).toList();
    }
    assertBuilder("latin1Builder", "latin1-append", "java.lang.StringBuilder", expected, 1);
  }

  @Test
  void utf16BuilderCopiesTwoBytesAChar() {
    // its first char made it UTF-16 at 16 chars, below the threshold
    List<Growth> expected = builderGrowths(16, 1, 3, Workload.APPENDS);
    assertBuilder("utf16Builder", "utf16-append", "java.lang.StringBuilder", expected, 2);
  }

  @Test
  void stringBufferGrowsLikeABuilder() {
    List<Growth> expected = builderGrowths(16, 0, 5, Workload.APPENDS);
    assertBuilder("stringBuffer", "buffer-append", "java.lang.StringBuffer", expected, 1);
  }

  @Test
  void inflatingABuilderToUtf16IsAnOpOnlyWhereTheJdkCopiesInAProbedMethod() {
    List<Growth> fill = builderGrowths(16, 0, 1, Workload.INFLATED_AT);
    List<Span> inflations = inTimeOrder(spans, opsFrom("inflatedBuilder")
        .and(s -> num(s, "code.line.number") == Markers.line("inflated-inflate")));
    long cap = fill.get(fill.size() - 1).after();
    if (STATIC_BUILDER_METHODS) {
      // append(char) asks ensureCapacityNewCoder for count + 1 chars, which fit: the capacity
      // stays, the Latin-1 bytes are inflated into a UTF-16 array of the same capacity
      assertEquals(List.of(new Growth(cap, cap, Workload.INFLATED_AT)),
          growths(inflations), run.stderr());
      Span s = inflations.get(0);
      assertEquals(ARRAY_HEADER + 2 * cap, num(s, "memspan.bytes.allocated"));
      // bytes.copied is not asserted: the agent counts the old array (cap bytes), while the
      // JDK inflates only the count chars it holds (StringLatin1.inflate(value, 0, .., count))
    } else {
      // JDK 17 inflates in AbstractStringBuilder.inflate(), which is not probed
      assertEquals(List.of(), growths(inflations), run.stderr());
    }
    // the fill before it grew as any Latin-1 builder does
    assertBuilder("inflatedBuilder", "inflated-fill", "java.lang.StringBuilder", fill, 1);
  }

  @Test
  void byteArrayOutputStreamDoublesOrTakesWhatAWriteNeeds() {
    // ByteArrayOutputStream(): 32 bytes; a write that does not fit grows the buffer by the
    // larger of its length (doubling) and what the write needs
    List<Growth> expected = new ArrayList<>();
    long cap = 32;
    long count = 0;
    List<Long> writes = new ArrayList<>();
    for (int i = 0; i < Workload.CHUNKS; i++) {
      writes.add((long) Workload.CHUNK);
    }
    writes.add((long) Workload.BIG_CHUNK);
    for (long len : writes) {
      if (count + len > cap) {
        long next = cap + Math.max(count + len - cap, cap);
        expected.add(new Growth(cap, next, count));
        cap = next;
      }
      count += len;
    }
    expected = armed(expected);
    // the last one took what the big write needed, more than a doubling
    Growth last = expected.get(expected.size() - 1);
    assertTrue(last.after() > 2 * last.before(), expected.toString());
    List<Span> grows = inTimeOrder(spans, opsFrom("byteArrayStream"));
    assertEquals(expected, growths(grows), run.stderr());
    int line = Markers.line("baos-write");
    int bigLine = Markers.line("baos-write-big");
    for (int i = 0; i < grows.size(); i++) {
      Span s = grows.get(i);
      assertCommon(s, "ByteArrayOutputStream.grow", "java.io.ByteArrayOutputStream",
          i == grows.size() - 1 ? bigLine : line);
      assertBytes(s, 1);
    }
    assertOneStructure(grows);
  }

  // ---- file mappings: armed whatever their size ----

  @Test
  void fileChannelMapIsAnOpOfTheMappedSize() {
    List<Span> maps = inTimeOrder(spans, opsFrom("fileMap"));
    assertEquals(List.of(Workload.WARM_MAP_SIZE, Workload.MAP_SIZE), maps.stream()
        .map(s -> num(s, "memspan.capacity.after")).toList(), run.stderr());
    assertEquals(List.of((long) Markers.line("map-warm"), (long) Markers.line("map")), maps
        .stream().map(s -> num(s, "code.line.number")).toList());
    for (Span s : maps) {
      assertEquals("FileChannel.map", s.getName());
      // the structure is the buffer map returns: a READ_WRITE mapping is a DirectByteBuffer
      assertEquals("java.nio.DirectByteBuffer", str(s, "memspan.structure.type"));
      assertEquals(0, num(s, "memspan.capacity.before"));
      assertEquals(num(s, "memspan.capacity.after"), num(s, "memspan.size"));
      assertEquals(0, num(s, "memspan.bytes.copied"), "a new mapping copies nothing");
      assertEquals(num(s, "memspan.capacity.after"), num(s, "memspan.bytes.allocated"));
      assertEquals("Workload.java", str(s, "code.file.path"));
      assertEquals("main", str(s, "thread.name"));
    }
  }

  @Test
  void fileChannelMapShowsItsMmap() throws Exception {
    BpfRequirement.assumeAvailable();
    try (OtlpGrpcReceiver rx = OtlpGrpcReceiver.start()) {
      ForkedJvm.Result r = ForkedJvm.java()
          .agent(KEEP_ALL + ",kernel=bcc,otel.exporter.otlp.protocol=grpc,"
              + "otel.exporter.otlp.endpoint=" + rx.endpoint())
          .jvmArg(HEAP)
          // the app must not start before the probe is attached
          .jvmArg("-Dmemspan.it.wait.kernel=true")
          .run(TIMEOUT, APP, "filemap").assertExitedNormally();
      assertTrue(r.stderr().contains("memspan: kernel source bcc"), r.stderr());
      List<Span> maps = inTimeOrder(rx.spans(), opsFrom("fileMap")
          .and(s -> num(s, "code.line.number") == Markers.line("map")));
      assertEquals(1, maps.size(), r.stderr());
      Span s = maps.get(0);
      assertEquals(Workload.MAP_SIZE, num(s, "memspan.capacity.after"));
      assertEquals("bcc", str(s, "memspan.kernel.source"));
      List<Span.Event> mmaps = s.getEventsList().stream()
          .filter(e -> e.getName().equals("mmap")).toList();
      assertEquals(1, mmaps.size(), s.getEventsList().toString());
      Span.Event mmap = mmaps.get(0);
      // the JDK maps from the page the position is in: the offset rounded down to a page,
      // the length grown by the position's offset within that page
      long inPage = Workload.MAP_POSITION % 4096;
      assertEquals(Workload.MAP_POSITION - inPage, eventNum(mmap, "off"), mmaps.toString());
      assertEquals(Workload.MAP_SIZE + inPage, eventNum(mmap, "len"), mmaps.toString());
      assertEquals(0x1 | 0x2, eventNum(mmap, "prot"), "PROT_READ | PROT_WRITE");
      assertEquals(0x1, eventNum(mmap, "flags"), "MAP_SHARED");
      assertTrue(eventNum(mmap, "fd") > 2, "the file's descriptor: " + mmaps);
      assertTrue(eventNum(mmap, "ret") > 0, "an address, not an error");
      // the length asked for (the kernel rounds it up to whole pages)
      assertEquals(Workload.MAP_SIZE + inPage, num(s, "memspan.mmap.bytes"));
      assertEquals(1, num(s, "memspan.mmap.count"));
    }
  }

  // ---- the JDK's policies, and what every span of a structure must say ----

  /**
   * Growths of an array list that grows when an element is added to a full array (Vector,
   * PriorityQueue: {@code if (size == elements.length) grow(size + 1)}), by {@code next}.
   */
  private static List<Growth> growsWhenAddingToAFullArray(long initial,
      LongUnaryOperator next) {
    List<Growth> g = new ArrayList<>();
    long cap = initial;
    for (long size = 0; size < Workload.ELEMENTS; size++) {
      if (size == cap) {
        long grown = next.applyAsLong(cap);
        g.add(new Growth(cap, grown, size));
        cap = grown;
      }
    }
    return armed(g);
  }

  /**
   * Growths of a builder of capacity {@code cap} holding {@code count} chars, appended
   * {@code len} chars at a time: as {@code AbstractStringBuilder.ensureCapacity} documents, a
   * builder too small grows to the larger of twice its capacity plus 2 and what it needs.
   */
  private static List<Growth> builderGrowths(long cap, long count, long len, int appends) {
    List<Growth> g = new ArrayList<>();
    for (int i = 0; i < appends; i++) {
      if (count + len > cap) {
        long next = Math.max(2 * cap + 2, count + len);
        g.add(new Growth(cap, next, count));
        cap = next;
      }
      count += len;
    }
    return armed(g);
  }

  /** The agent arms an op when its new capacity reaches the threshold. */
  private static List<Growth> armed(List<Growth> all) {
    List<Growth> armed = all.stream().filter(g -> g.after() >= THRESHOLD).toList();
    assertTrue(armed.size() >= 2, "too small a workload to show a sequence: " + all);
    return armed;
  }

  /** The op spans from a method of the workload (its advice spans carry the call site too). */
  private static Predicate<Span> opsFrom(String method) {
    return calledFrom(APP + "." + method).and(s -> !s.getName().equals("memspan.advice"));
  }

  private static List<Growth> growths(List<Span> spans) {
    return spans.stream().map(s -> new Growth(num(s, "memspan.capacity.before"),
        num(s, "memspan.capacity.after"),
        has(s, "memspan.size") ? num(s, "memspan.size") : NO_SIZE)).toList();
  }

  private static void assertLists(String method, String marker, String name, String type,
      List<Growth> expected, long bytesPerSlot) {
    List<Span> grows = inTimeOrder(spans, opsFrom(method));
    assertEquals(expected, growths(grows), run.stderr());
    int line = Markers.line(marker);
    for (Span s : grows) {
      assertCommon(s, name, type, line);
      assertBytes(s, bytesPerSlot);
    }
    assertOneStructure(grows);
  }

  private static void assertBuilder(String method, String marker, String type,
      List<Growth> expected, long bytesPerChar) {
    List<Span> grows = inTimeOrder(spans, opsFrom(method)
        .and(s -> num(s, "code.line.number") == Markers.line(marker)));
    if (STATIC_BUILDER_METHODS) {
      // with no `this` the agent knows neither a builder from a buffer nor, where a method
      // is not handed the count, the builder's length
      type = "java.lang.AbstractStringBuilder";
    }
    assertEquals(expected, growths(grows), run.stderr());
    String name = type.substring(type.lastIndexOf('.') + 1) + ".expand";
    int line = Markers.line(marker);
    for (Span s : grows) {
      assertCommon(s, name, type, line);
      assertBytes(s, bytesPerChar);
    }
    // one builder: its growths are linked by their arrays
    assertOneStructure(grows);
  }

  private static void assertCommon(Span s, String name, String type, int line) {
    assertEquals(name, s.getName());
    assertEquals(type, str(s, "memspan.structure.type"));
    assertEquals(line, num(s, "code.line.number"));
    assertEquals("Workload.java", str(s, "code.file.path"));
    assertEquals("main", str(s, "thread.name"));
  }

  /** Growth copies the whole old array and allocates the new one (header included). */
  private static void assertBytes(Span s, long bytesPerUnit) {
    assertEquals(num(s, "memspan.capacity.before") * bytesPerUnit,
        num(s, "memspan.bytes.copied"), s.toString());
    assertEquals(ARRAY_HEADER + num(s, "memspan.capacity.after") * bytesPerUnit,
        num(s, "memspan.bytes.allocated"), s.toString());
  }

  private static void assertOneStructure(List<Span> grows) {
    assertEquals(1, grows.stream().map(s -> num(s, "memspan.structure.id")).distinct().count(),
        grows.toString());
  }
}
