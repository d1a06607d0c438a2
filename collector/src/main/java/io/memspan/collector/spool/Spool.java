package io.memspan.collector.spool;

import io.memspan.collector.ops.Log;
import io.memspan.collector.ops.Metrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The durable spool: append-only segment files of checksummed records (see {@link RecordFormat}).
 *
 * <p>{@link #append} returns a future that completes only after the record is fsynced; one writer
 * thread batches every append that arrives while the previous fsync runs into the next one (group
 * commit), so many concurrent requests cost one fsync. The total size is capped: when it is
 * exceeded, the oldest segments are deleted and counted. {@link #open} recovers the directory,
 * truncating a torn record at the tail of the last segment.
 */
public final class Spool implements AutoCloseable {
  /** Pending (accepted, not yet fsynced) bytes above which appends are refused as busy. */
  private static final long MAX_PENDING_BYTES = 128L * 1024 * 1024;

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final List<Segment> segments = new ArrayList<>(); // guarded by this
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final AtomicLong pendingBytes = new AtomicLong();
  private final Object durableMonitor = new Object();
  private final Thread writer;
  private final Metrics.Counter appended;
  private final Metrics.Counter appendedBytes;
  private final Metrics.Counter fsyncs;
  private final Metrics.Counter evictedSegments;
  private final Metrics.Counter evictedRecords;
  private final Metrics.Counter writeErrors;

  private FileChannel active; // writer thread only (and open/close)
  private volatile long durableEnd; // positions below this are fsynced and readable
  private volatile boolean closing;
  private volatile IOException failure;

  private record Pending(Signal signal, long receivedMillis, byte[] payload, CompletableFuture<Long> done) {}

  private static final Pending STOP = new Pending(Signal.TRACES, 0, new byte[0], null);

  private Spool(Path dir, long maxBytes, long segmentBytes, Metrics metrics) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    this.appended = metrics.counter("memspan_collector_spool_appended_records_total",
        "Records appended to the spool and fsynced");
    this.appendedBytes = metrics.counter("memspan_collector_spool_appended_bytes_total",
        "Bytes appended to the spool and fsynced");
    this.fsyncs = metrics.counter("memspan_collector_spool_fsyncs_total",
        "fsync calls on spool segments (one per group commit)");
    this.evictedSegments = metrics.counter("memspan_collector_spool_evicted_segments_total",
        "Oldest segments deleted to keep the spool under its size cap");
    this.evictedRecords = metrics.counter("memspan_collector_spool_evicted_records_total",
        "Records deleted with evicted segments");
    this.writeErrors = metrics.counter("memspan_collector_spool_write_errors_total",
        "Failed spool writes or fsyncs (the requests were not acknowledged)");
    metrics.gauge("memspan_collector_spool_bytes", "Bytes in spool segment files", this::totalBytes);
    metrics.gauge("memspan_collector_spool_segments", "Spool segment files", this::segmentCount);
    metrics.gauge("memspan_collector_spool_max_bytes", "The spool's size cap", () -> maxBytes);
    metrics.gauge("memspan_collector_spool_records", "Records in the spool",
        () -> durableEnd - firstPosition());
    this.writer = new Thread(this::writeLoop, "spool-writer");
    this.writer.setDaemon(true);
  }

  /**
   * Opens (creating if needed) and recovers a spool directory.
   *
   * @param maxBytes size cap of all segments together
   * @param segmentBytes size at which a segment is closed and a new one started
   */
  public static Spool open(Path dir, long maxBytes, long segmentBytes, Metrics metrics) throws IOException {
    if (segmentBytes <= 0 || maxBytes < segmentBytes) {
      throw new IllegalArgumentException("spool cap " + maxBytes + " must be at least one segment (" + segmentBytes + " bytes)");
    }
    Files.createDirectories(dir);
    Spool spool = new Spool(dir, maxBytes, segmentBytes, metrics);
    spool.recover();
    spool.writer.start();
    return spool;
  }

  /** Segment size used for a given cap: small enough that eviction frees space in steps. */
  public static long defaultSegmentBytes(long maxBytes) {
    return Math.max(64 * 1024, Math.min(64L * 1024 * 1024, maxBytes / 8));
  }

  private void recover() throws IOException {
    List<Long> firsts = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(p -> {
        Long first = Segment.parseFirstPosition(p.getFileName().toString());
        if (first != null) {
          firsts.add(first);
        }
      });
    }
    firsts.sort(null);
    ByteBuffer header = ByteBuffer.allocate(RecordFormat.HEADER_BYTES);
    for (int i = 0; i < firsts.size(); i++) {
      Segment seg = new Segment(dir, firsts.get(i));
      boolean last = i == firsts.size() - 1;
      try (FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        long fileSize = ch.size();
        long offset = 0;
        long expected = seg.firstPosition;
        while (true) {
          Segment.Read r = Segment.readAt(ch, offset, fileSize, header);
          if (r == null || RecordFormat.positionOf(r.body()) != expected) {
            break;
          }
          offset += r.recordBytes();
          expected++;
        }
        if (offset < fileSize) {
          // A torn tail (kill -9 mid-write) or corruption: the records after it were never acknowledged
          // if this is the last segment; either way they cannot be trusted.
          Log.warn("spool_torn_tail", "segment", seg.path.getFileName(), "valid_bytes", offset,
              "dropped_bytes", fileSize - offset, "last_segment", last);
          ch.truncate(offset);
          ch.force(true);
        }
        seg.sizeBytes = offset;
        seg.endPosition = expected;
      }
      segments.add(seg);
    }
    if (segments.isEmpty()) {
      Segment seg = new Segment(dir, 0);
      segments.add(seg);
    }
    Segment tail = segments.get(segments.size() - 1);
    active = openForAppend(tail);
    durableEnd = tail.endPosition;
    Log.info("spool_open", "dir", dir, "segments", segments.size(), "first_position", firstPosition(),
        "end_position", durableEnd, "bytes", totalBytes());
  }

  private FileChannel openForAppend(Segment seg) throws IOException {
    boolean created = !Files.exists(seg.path);
    FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    ch.position(seg.sizeBytes);
    if (created) {
      ch.force(true);
      syncDirectory();
    }
    return ch;
  }

  /** Makes a created or deleted file name durable (fsync of the directory, as POSIX requires). */
  private void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open a directory; the data fsync still holds.
    }
  }

  /**
   * Appends one record. The future completes with the record's position once it is fsynced, or
   * exceptionally ({@link SpoolBusyException} when too much is waiting, an IOException when the
   * disk failed). Never blocks.
   */
  public CompletableFuture<Long> append(Signal signal, long receivedMillis, byte[] payload) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    if (closing) {
      done.completeExceptionally(new SpoolBusyException("spool is closing"));
      return done;
    }
    if (payload.length + RecordFormat.BODY_FIXED_BYTES > RecordFormat.MAX_BODY_BYTES) {
      done.completeExceptionally(new IllegalArgumentException("record too large: " + payload.length));
      return done;
    }
    if (pendingBytes.addAndGet(payload.length) > MAX_PENDING_BYTES) {
      pendingBytes.addAndGet(-payload.length);
      done.completeExceptionally(new SpoolBusyException("spool write queue is full"));
      return done;
    }
    Pending pending = new Pending(signal, receivedMillis, payload, done);
    queue.add(pending);
    // close() may have drained the queue between the check above and the add: whoever removes the
    // record from the queue answers it, so it is written, or refused here, never left waiting.
    if (closing && queue.remove(pending)) {
      pendingBytes.addAndGet(-payload.length);
      done.completeExceptionally(new SpoolBusyException("spool is closing"));
    }
    return done;
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    ByteBuffer head = ByteBuffer.allocate(RecordFormat.HEADER_BYTES + RecordFormat.BODY_FIXED_BYTES);
    boolean stop = false;
    while (!stop) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(batch, 8192);
      // An append that raced close() can land after STOP: write it with the batch, and still stop
      // (otherwise the writer waits in take() and close() waits for the writer).
      stop = batch.removeIf(p -> p == STOP);
      if (!batch.isEmpty()) {
        writeBatch(batch, head);
      }
      batch.clear();
    }
  }

  private void writeBatch(List<Pending> batch, ByteBuffer head) {
    long position = durableEnd;
    long bytes = 0;
    Segment seg;
    synchronized (this) {
      seg = segments.get(segments.size() - 1);
    }
    long segSize = seg.sizeBytes;
    long segEnd = seg.endPosition;
    try {
      if (failure != null) {
        throw failure;
      }
      for (Pending p : batch) {
        if (segSize > 0 && segSize + RecordFormat.recordBytes(p.payload.length) > segmentBytes) {
          force(position);
          seg.sizeBytes = segSize;
          seg.endPosition = segEnd;
          seg = roll(position);
          segSize = 0;
          segEnd = position;
        }
        RecordFormat.writeHead(head, position, p.signal, p.receivedMillis, p.payload);
        ByteBuffer[] parts = {head, ByteBuffer.wrap(p.payload)};
        while (parts[0].hasRemaining() || parts[1].hasRemaining()) {
          active.write(parts);
        }
        int n = RecordFormat.recordBytes(p.payload.length);
        segSize += n;
        bytes += n;
        position++;
        segEnd = position;
      }
      force(position);
    } catch (IOException e) {
      // Nothing of this batch is acknowledged. Later batches fail too: the tail of the file is now
      // in an unknown state, and recovery on restart will truncate it.
      if (failure == null) {
        failure = e;
        Log.error("spool_write_failed", "dir", dir, "error", e.toString());
      }
      writeErrors.add(batch.size());
      for (Pending p : batch) {
        pendingBytes.addAndGet(-p.payload.length);
        p.done.completeExceptionally(e);
      }
      return;
    }
    seg.sizeBytes = segSize;
    seg.endPosition = segEnd;
    long first = durableEnd;
    synchronized (durableMonitor) {
      durableEnd = position;
      durableMonitor.notifyAll();
    }
    appended.add(batch.size());
    appendedBytes.add(bytes);
    long pos = first;
    for (Pending p : batch) {
      pendingBytes.addAndGet(-p.payload.length);
      p.done.complete(pos++);
    }
    evictIfOverCap();
  }

  /** fsyncs the active segment, which then holds every record below {@code end} durably. */
  private void force(long end) throws IOException {
    active.force(false);
    fsyncs.inc();
    forcedEnd.accept(end);
  }

  /** Told the end position after each fsync (writer thread); lets a test check acks follow fsyncs. */
  java.util.function.LongConsumer forcedEnd = end -> {};

  private Segment roll(long firstPosition) throws IOException {
    active.close();
    Segment next = new Segment(dir, firstPosition);
    active = openForAppend(next);
    synchronized (this) {
      segments.add(next);
    }
    return next;
  }

  private void evictIfOverCap() {
    while (true) {
      Segment victim;
      synchronized (this) {
        if (segments.size() <= 1 || totalBytes() <= maxBytes) {
          return;
        }
        victim = segments.remove(0);
      }
      try {
        Files.deleteIfExists(victim.path);
      } catch (IOException e) {
        Log.warn("spool_evict_failed", "segment", victim.path.getFileName(), "error", e.toString());
      }
      syncDirectory();
      evictedSegments.inc();
      evictedRecords.add(victim.records());
      Log.warn("spool_evicted", "segment", victim.path.getFileName(), "records", victim.records(),
          "bytes", victim.sizeBytes, "cap_bytes", maxBytes);
    }
  }

  /**
   * The write error that stopped the spool, or null while it is healthy. After a failed write or
   * fsync the tail of the active segment is in an unknown state, so the spool refuses further
   * appends until a restart (whose recovery truncates that tail) rather than risk acknowledging
   * something it cannot read back.
   */
  public IOException failure() {
    return failure;
  }

  /** Position of the oldest record still on disk. */
  public synchronized long firstPosition() {
    return segments.get(0).firstPosition;
  }

  /** Position after the newest fsynced record: records below it are readable. */
  public long endPosition() {
    return durableEnd;
  }

  public synchronized long totalBytes() {
    long sum = 0;
    for (Segment s : segments) {
      sum += s.sizeBytes;
    }
    return sum;
  }

  public synchronized int segmentCount() {
    return segments.size();
  }

  public Path directory() {
    return dir;
  }

  /** The segment that holds {@code position}, or the first one after it; null past the end. */
  synchronized Segment segmentFor(long position) {
    for (int i = segments.size() - 1; i >= 0; i--) {
      Segment s = segments.get(i);
      if (s.firstPosition <= position) {
        return position < s.endPosition || i == segments.size() - 1 ? s
            : (i + 1 < segments.size() ? segments.get(i + 1) : null);
      }
    }
    return segments.isEmpty() ? null : segments.get(0);
  }

  /** A reader starting at {@code position} (clamped to what is still on disk). */
  public SpoolReader reader(long position) {
    return new SpoolReader(this, position);
  }

  /** Waits until a record at or after {@code position} is durable, or the timeout passes. */
  public boolean awaitBeyond(long position, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (durableMonitor) {
      while (durableEnd <= position && !closing) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(durableMonitor, left);
      }
      return durableEnd > position;
    }
  }

  /** Stops taking appends, writes and fsyncs everything already accepted, and closes the files. */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    queue.add(STOP);
    try {
      writer.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Appends that raced with close: refuse them rather than leave their requests waiting.
    for (Pending p; (p = queue.poll()) != null; ) {
      if (p != STOP) {
        p.done.completeExceptionally(new SpoolBusyException("spool is closing"));
      }
    }
    synchronized (durableMonitor) {
      durableMonitor.notifyAll();
    }
    try {
      active.close();
    } catch (IOException e) {
      Log.warn("spool_close_failed", "error", e.toString());
    }
    Log.info("spool_closed", "end_position", durableEnd);
  }
}
