package io.memspan.itapp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;

/**
 * The small application the forked-JVM tests run with and without the agent. Each argument names
 * a workload; each prints a deterministic line, so outputs can be compared byte for byte. Lines
 * the tests look for carry a {@code memspan-it:} marker comment (see {@code Markers}).
 */
public final class Workload {
  /** Elements each collection of the "structures" workload is filled with. */
  public static final int ELEMENTS = 100_000;
  /** Appends to each builder in "structures". */
  public static final int APPENDS = 100_000;
  /** ByteArrayOutputStream: CHUNKS writes of CHUNK bytes, then one of {@link #BIG_CHUNK}. */
  public static final int CHUNKS = 100;
  public static final int CHUNK = 1000;
  public static final int BIG_CHUNK = 300_000;
  /** Latin-1 chars in the builder the "structures" workload then inflates to UTF-16. */
  public static final int INFLATED_AT = 5000;
  /** FileChannel.map: the region mapped, at an offset that is not page-aligned. */
  public static final long MAP_POSITION = 4096 + 100;
  public static final long MAP_SIZE = 8 << 20;
  /** The small mapping made first, so that the large one runs on warm code. */
  public static final long WARM_MAP_SIZE = 4096;

  private Workload() {}

  public static void main(String[] args) throws Exception {
    if (Boolean.getBoolean("memspan.it.wait.kernel")) {
      // the agent publishes its kernel source once it is attached (compiled in the background)
      long end = System.nanoTime() + 120_000_000_000L;
      while (System.getProperty("memspan.kernel.source") == null && System.nanoTime() < end) {
        Thread.sleep(20);
      }
    }
    for (String w : args) {
      switch (w) {
        case "list": list(); break;
        case "map": map(); break;
        case "direct": direct(); break;
        case "chm": chm(); break;
        case "mixed": mixed(); break;
        case "hostile": hostile(); break;
        case "mmaps": mmaps(); break;
        case "wait": waitForLine(); break;
        case "phases": phases(); break;
        case "builders": builders(); break;
        case "overflow": overflow(); break;
        case "structures": structures(); break;
        case "filemap": fileMap(); break;
        case "faults": faults(); break;
        case "early": early(); break;
        default: throw new IllegalArgumentException("unknown workload " + w);
      }
    }
  }

  static void list() {
    List<Integer> list = new ArrayList<>();
    for (int i = 0; i < 1_000_000; i++) {
      list.add(i); // memspan-it: list-add
    }
    System.out.println("list size=" + list.size() + " hash=" + list.hashCode());
  }

  static void map() {
    Map<Integer, Integer> map = new HashMap<>();
    for (int i = 0; i < 1_000_000; i++) {
      map.put(i, i * 7); // memspan-it: map-put
    }
    long sum = 0;
    for (int v : map.values()) {
      sum += v;
    }
    System.out.println("map size=" + map.size() + " sum=" + sum);
  }

  static void direct() {
    ByteBuffer b = ByteBuffer.allocateDirect(64 << 20); // memspan-it: direct
    b.putLong(b.capacity() - 8, 42);
    System.out.println("direct capacity=" + b.capacity() + " last=" + b.getLong(b.capacity() - 8));
  }

  static void chm() throws Exception {
    ConcurrentHashMap<Integer, Integer> map = new ConcurrentHashMap<>();
    int threads = 4;
    int perThread = 500_000;
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      Thread worker = new Thread(() -> {
        try {
          start.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        for (int i = 0; i < perThread; i++) {
          map.put(base + i, i);
        }
      }, "filler-" + t);
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    System.out.println("chm size=" + map.size());
  }

  /** A bit of everything, for output comparisons. */
  static void mixed() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 200_000; i++) {
      sb.append(i % 10);
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < 100_000; i++) {
      bytes.write(i);
    }
    java.util.ArrayDeque<Integer> deque = new java.util.ArrayDeque<>();
    java.util.PriorityQueue<Integer> queue = new java.util.PriorityQueue<>();
    java.util.Hashtable<Integer, Integer> table = new java.util.Hashtable<>();
    java.util.IdentityHashMap<Object, Integer> identity = new java.util.IdentityHashMap<>();
    java.util.WeakHashMap<Integer, Integer> weak = new java.util.WeakHashMap<>();
    java.util.Vector<Integer> vector = new java.util.Vector<>();
    java.util.LinkedHashMap<Integer, Integer> linked = new java.util.LinkedHashMap<>();
    java.util.HashSet<Integer> set = new java.util.HashSet<>();
    List<Object> keep = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      deque.addFirst(i);
      queue.add(100_000 - i);
      table.put(i, i);
      Object k = Integer.valueOf(i);
      keep.add(k);
      identity.put(k, i);
      weak.put(i, i);
      vector.add(i);
      linked.put(i, -i);
      set.add(i * 31);
    }
    long acc = sb.length() + bytes.size() + deque.peekFirst() + queue.peek() + table.size()
        + identity.size() + vector.size() + linked.size() + set.size() + keep.size();
    System.out.println("mixed sb=" + sb.length() + " bytes=" + bytes.size() + " deque="
        + deque.size() + " queue=" + queue.peek() + " table=" + table.size() + " identity="
        + identity.size() + " vector=" + vector.size() + " linked=" + linked.size() + " set="
        + set.size() + " weak<=" + (weak.size() <= 100_000) + " acc=" + acc);
  }

  /**
   * Subclasses whose overrides throw: the probes must never call application code from inside a
   * JDK resize (a throw there would leave the map half-resized).
   */
  static void hostile() {
    java.util.concurrent.ConcurrentHashMap<Integer, Integer> map =
        new java.util.concurrent.ConcurrentHashMap<>() {
          @Override
          public long mappingCount() {
            throw new IllegalStateException("application's mappingCount");
          }
        };
    for (int i = 0; i < 100_000; i++) {
      map.put(i, i);
    }
    java.util.ArrayDeque<Integer> deque = new java.util.ArrayDeque<>() {
      @Override
      public int size() {
        throw new IllegalStateException("application's size");
      }
    };
    for (int i = 0; i < 100_000; i++) {
      deque.addLast(i);
    }
    System.out.println("hostile chm=" + map.get(99_999) + " deque=" + deque.peekLast());
  }

  /** Many short-lived large builders: thousands of growth ops from one call site, quickly. */
  static void builders() {
    long total = 0;
    for (int i = 0; i < 2000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < 100_000; j++) {
        sb.append('x'); // memspan-it: builders-append
      }
      total += sb.length();
    }
    System.out.println("builders total=" + total);
  }

  /** Many memory mappings in a burst: fills a small syscall ring. */
  static void mmaps() throws Exception {
    Path file = Files.createTempFile("memspan-it-", ".bin");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[1 << 16]));
      long sum = 0;
      for (int i = 0; i < 20_000; i++) {
        sum += ch.map(FileChannel.MapMode.READ_ONLY, 0, 1 << 16).get(i & 0xffff);
        ByteBuffer d = ByteBuffer.allocateDirect(256 << 10);
        sum += d.get(i & 0xffff);
      }
      System.out.println("mmaps sum=" + sum);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Three times: prints "ready N", waits for a line on stdin, then grows a list to 200,000 from
   * that phase's own source line (the test detaches and re-attaches the agent in between).
   */
  static void phases() throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    for (int phase = 1; phase <= 3; phase++) {
      System.out.println("ready " + phase);
      System.out.flush();
      in.readLine();
      List<Integer> list = new ArrayList<>();
      for (int i = 0; i < 200_000; i++) {
        if (phase == 1) {
          list.add(i); // memspan-it: phase1-add
        } else if (phase == 2) {
          list.add(i); // memspan-it: phase2-add
        } else {
          list.add(i); // memspan-it: phase3-add
        }
      }
      System.out.println("phase " + phase + " size=" + list.size() + " hash=" + list.hashCode());
      System.out.flush();
    }
  }

  /** Prints "ready", waits for a line on stdin, then grows a list (for dynamic attach). */
  static void waitForLine() throws Exception {
    System.out.println("ready");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in)).readLine();
    List<String> list = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      list.add("x"); // memspan-it: attached-add
    }
    System.out.println("attached size=" + list.size());
  }

  /**
   * Waits for a line (the test stalls the agent's poller meanwhile), fills 100 lists to 100,000
   * (9 growths each at or above the default threshold: far more than one thread's op ring
   * holds), says so, and waits for another line (the poller is let go) before it ends.
   */
  static void overflow() throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    System.out.println("ready");
    System.out.flush();
    in.readLine();
    long total = 0;
    for (int i = 0; i < 100; i++) {
      List<Integer> list = new ArrayList<>();
      for (int j = 0; j < 100_000; j++) {
        list.add(j);
      }
      total += list.size();
    }
    System.out.println("overflow total=" + total);
    System.out.flush();
    in.readLine();
  }

  /**
   * The other probed structures, one method each (spans are told apart by their call site):
   * every collection from its default constructor, filled one element at a time.
   */
  static void structures() throws Exception {
    long acc = vectorDoubling() + vectorByIncrement() + arrayDeque() + priorityQueue()
        + identityHashMap() + weakHashMap() + hashtable() + latin1Builder() + utf16Builder()
        + stringBuffer() + inflatedBuilder() + byteArrayStream();
    fileMap();
    System.out.println("structures acc=" + acc);
  }

  static long vectorDoubling() {
    java.util.Vector<Integer> v = new java.util.Vector<>();
    for (int i = 0; i < ELEMENTS; i++) {
      v.add(i); // memspan-it: vector-add
    }
    return v.size();
  }

  /** 1000 slots, then 3000 more each time. */
  static long vectorByIncrement() {
    java.util.Vector<Integer> v = new java.util.Vector<>(1000, 3000);
    for (int i = 0; i < ELEMENTS; i++) {
      v.add(i); // memspan-it: vector-increment-add
    }
    return v.size();
  }

  static long arrayDeque() {
    java.util.ArrayDeque<Integer> d = new java.util.ArrayDeque<>();
    for (int i = 0; i < ELEMENTS; i++) {
      d.addFirst(i); // memspan-it: deque-add
    }
    return d.size();
  }

  static long priorityQueue() {
    java.util.PriorityQueue<Integer> q = new java.util.PriorityQueue<>();
    for (int i = 0; i < ELEMENTS; i++) {
      q.add(ELEMENTS - i); // memspan-it: pq-add
    }
    return q.size();
  }

  static long identityHashMap() {
    java.util.IdentityHashMap<Object, Integer> m = new java.util.IdentityHashMap<>();
    for (int i = 0; i < ELEMENTS; i++) {
      m.put(new Object(), i); // memspan-it: identity-put
    }
    return m.size();
  }

  /** Its keys are held in a presized array, so none is collected (and nothing else grows). */
  static long weakHashMap() {
    Object[] keys = new Object[ELEMENTS];
    java.util.WeakHashMap<Object, Integer> m = new java.util.WeakHashMap<>();
    for (int i = 0; i < ELEMENTS; i++) {
      keys[i] = new Object();
      m.put(keys[i], i); // memspan-it: weak-put
    }
    return m.size() + keys.length;
  }

  static long hashtable() {
    java.util.Hashtable<Integer, Integer> t = new java.util.Hashtable<>();
    for (int i = 0; i < ELEMENTS; i++) {
      t.put(i, i); // memspan-it: hashtable-put
    }
    return t.size();
  }

  /** Latin-1, 7 chars an append (on JDK 21+ append(int) grows through ensureCapacitySameCoder). */
  static long latin1Builder() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < APPENDS; i++) {
      sb.append(1_000_000 + i); // memspan-it: latin1-append
    }
    return sb.length();
  }

  /** UTF-16 from the first append (below the threshold), then 3 chars an append. */
  static long utf16Builder() {
    StringBuilder sb = new StringBuilder();
    sb.append('\u03a9');
    for (int i = 0; i < APPENDS; i++) {
      sb.append("\u03a9\u03a9\u03a9"); // memspan-it: utf16-append
    }
    return sb.length();
  }

  static long stringBuffer() {
    StringBuffer sb = new StringBuffer();
    for (int i = 0; i < APPENDS; i++) {
      sb.append("abcde"); // memspan-it: buffer-append
    }
    return sb.length();
  }

  /** A Latin-1 builder of INFLATED_AT chars that a non-Latin-1 char turns UTF-16. */
  static long inflatedBuilder() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < INFLATED_AT; i++) {
      sb.append('a'); // memspan-it: inflated-fill
    }
    sb.append('\u03a9'); // memspan-it: inflated-inflate
    return sb.length();
  }

  static long byteArrayStream() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] chunk = new byte[CHUNK];
    for (int i = 0; i < CHUNKS; i++) {
      out.write(chunk, 0, chunk.length); // memspan-it: baos-write
    }
    out.write(new byte[BIG_CHUNK], 0, BIG_CHUNK); // memspan-it: baos-write-big
    return out.size();
  }

  /**
   * A list grown at once, while the agent's kernel source is still starting, and another once it
   * has published that it is attached.
   */
  static void early() throws Exception {
    List<Integer> first = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      first.add(i); // memspan-it: early-add
    }
    String during = System.getProperty("memspan.kernel.source");
    long end = System.nanoTime() + 120_000_000_000L;
    while (System.getProperty("memspan.kernel.source") == null && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    List<Integer> second = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      second.add(i); // memspan-it: late-add
    }
    System.out.println("early size=" + first.size() + " source then=" + during + " late size="
        + second.size() + " source now=" + System.getProperty("memspan.kernel.source"));
  }

  /** Kept reachable so the short-lived thread's array is not optimized away. */
  static volatile byte[] keep;

  /**
   * Faults inside an op (a 64 MiB direct buffer) and outside any (a 32 MiB array on fresh heap
   * on main; 16 MiB on a thread that exits before the agent's next look), between two readings
   * of the whole process's fault count.
   */
  static void faults() throws Exception {
    long before = processFaults();
    ByteBuffer direct = ByteBuffer.allocateDirect(64 << 20); // memspan-it: faults-direct
    byte[] big = new byte[32 << 20];
    big[big.length - 1] = 1;
    Thread t = new Thread(() -> {
      byte[] b = new byte[16 << 20];
      b[b.length - 1] = 1;
      keep = b;
    }, "short-lived");
    t.start();
    t.join();
    long after = processFaults();
    System.out.println("process faults before=" + before + " after=" + after
        + " direct=" + direct.capacity() + " big=" + big.length + " thread=" + keep.length);
  }

  /** minflt + majflt of the whole process, exited threads included (/proc/self/stat). */
  static long processFaults() throws Exception {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    // fields after the command name, which may hold spaces: state is field 3
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[10 - 3]) + Long.parseLong(f[12 - 3]);
  }

  /** Maps a small region, then a large one, of a new temp file (the map extends the file). */
  static void fileMap() throws Exception {
    Path file = Files.createTempFile("memspan-it-", ".bin");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      FileChannel.MapMode rw = FileChannel.MapMode.READ_WRITE;
      ByteBuffer warm = ch.map(rw, 0, WARM_MAP_SIZE); // memspan-it: map-warm
      ByteBuffer b = ch.map(rw, MAP_POSITION, MAP_SIZE); // memspan-it: map
      warm.put(0, (byte) 1);
      b.put(b.capacity() - 1, (byte) 42);
      System.out.println("filemap capacity=" + b.capacity() + " last=" + b.get(b.capacity() - 1));
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
