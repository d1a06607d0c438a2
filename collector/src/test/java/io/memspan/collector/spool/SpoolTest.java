package io.memspan.collector.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memspan.collector.ops.Metrics;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  @TempDir Path dir;

  private static byte[] payload(int i, int size) {
    byte[] b = new byte[size];
    byte[] tag = ("record-" + i).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(tag, 0, b, 0, Math.min(tag.length, size));
    return b;
  }

  private static List<SpoolEntry> readAll(Spool spool, long from) throws Exception {
    List<SpoolEntry> out = new ArrayList<>();
    try (SpoolReader r = spool.reader(from)) {
      for (SpoolEntry e; (e = r.next()) != null; ) {
        out.add(e);
      }
    }
    return out;
  }

  private static List<Path> segments(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }

  @Test
  void appendsAreReadBackInOrderAfterReopen() throws Exception {
    Metrics m = new Metrics();
    try (Spool spool = Spool.open(dir, 1 << 20, 4096, m)) {
      for (int i = 0; i < 50; i++) {
        assertEquals(i, spool.append(i % 2 == 0 ? Signal.TRACES : Signal.METRICS, 1000 + i, payload(i, 300)).get());
      }
      assertTrue(spool.segmentCount() > 1, "4 KiB segments must roll");
    }
    try (Spool spool = Spool.open(dir, 1 << 20, 4096, new Metrics())) {
      List<SpoolEntry> all = readAll(spool, 0);
      assertEquals(50, all.size());
      for (int i = 0; i < 50; i++) {
        SpoolEntry e = all.get(i);
        assertEquals(i, e.position());
        assertEquals(i % 2 == 0 ? Signal.TRACES : Signal.METRICS, e.signal());
        assertEquals(1000 + i, e.receivedEpochMillis());
        assertArrayEquals(payload(i, 300), e.payload());
      }
      assertEquals(List.of(), readAll(spool, 50));
      assertEquals(20, readAll(spool, 30).size());
      assertEquals(50, spool.append(Signal.TRACES, 1, payload(50, 10)).get());
    }
  }

  @Test
  void concurrentAppendsShareFsyncs() throws Exception {
    Metrics m = new Metrics();
    try (Spool spool = Spool.open(dir, 64 << 20, 8 << 20, m)) {
      java.util.concurrent.atomic.AtomicLong forcedEnd = new java.util.concurrent.atomic.AtomicLong();
      spool.forcedEnd = forcedEnd::set;
      List<CompletableFuture<Long>> all = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        // Whenever an append completes, its record must already lie below the last fsynced end.
        all.add(spool.append(Signal.TRACES, i, payload(i, 1000)).thenApply(pos -> {
          assertTrue(pos < forcedEnd.get(), "record " + pos + " acknowledged before an fsync covered it");
          return pos;
        }));
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get();
      assertEquals(2000, forcedEnd.get());
      long fsyncs = m.value("memspan_collector_spool_fsyncs_total");
      assertTrue(fsyncs >= 1, "appends were acknowledged without any fsync");
      assertEquals(2000, m.value("memspan_collector_spool_appended_records_total"));
      assertTrue(fsyncs < 1000, "group commit must batch appends into fewer fsyncs, saw " + fsyncs);
    }
  }

  @Test
  void closeRacingAppendsReturnsPromptlyAndEveryAppendCompletesDurablyOrFailsClearly() throws Exception {
    for (int round = 0; round < 15; round++) {
      Path roundDir = dir.resolve("round-" + round);
      Spool spool = Spool.open(roundDir, 64 << 20, 8 << 20, new Metrics());
      java.util.Map<CompletableFuture<Long>, byte[]> appends = new java.util.concurrent.ConcurrentHashMap<>();
      java.util.concurrent.atomic.AtomicBoolean go = new java.util.concurrent.atomic.AtomicBoolean(true);
      List<Thread> appenders = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        Thread a = new Thread(() -> {
          for (int i = 0; go.get(); i++) {
            byte[] p = payload(thread * 1_000_000 + i, 64);
            appends.put(spool.append(Signal.TRACES, i, p), p);
          }
        });
        a.start();
        appenders.add(a);
      }
      Thread.sleep(1);
      long t0 = System.nanoTime();
      spool.close();
      long closeMs = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      go.set(false);
      for (Thread a : appenders) {
        a.join();
      }
      // close() flushes what was queued before it (a few seconds at most on a loaded machine); the bug
      // was the writer missing STOP and close() waiting out its 30 s join.
      assertTrue(closeMs < 15_000, "round " + round + ": close() took " + closeMs + " ms with appends racing it");
      java.util.Map<Long, byte[]> durable = new java.util.HashMap<>();
      for (var e : appends.entrySet()) {
        assertTrue(e.getKey().isDone(), "round " + round + ": an append racing close() was left waiting");
        try {
          durable.put(e.getKey().join(), e.getValue());
        } catch (java.util.concurrent.CompletionException failed) {
          assertTrue(failed.getCause() instanceof SpoolBusyException, failed.getCause().toString());
          assertEquals("spool is closing", failed.getCause().getMessage());
        }
      }
      try (Spool reopened = Spool.open(roundDir, 64 << 20, 8 << 20, new Metrics())) {
        java.util.Map<Long, byte[]> onDisk = new java.util.HashMap<>();
        for (SpoolEntry e : readAll(reopened, 0)) {
          onDisk.put(e.position(), e.payload());
        }
        for (var d : durable.entrySet()) {
          assertArrayEquals(d.getValue(), onDisk.get(d.getKey()), "acknowledged record " + d.getKey() + " lost");
        }
      }
    }
  }

  @Test
  void tornTailIsTruncatedOnRecoveryAndAppendsContinue() throws Exception {
    try (Spool spool = Spool.open(dir, 1 << 20, 1 << 20, new Metrics())) {
      for (int i = 0; i < 10; i++) {
        spool.append(Signal.TRACES, i, payload(i, 200)).get();
      }
    }
    Path seg = segments(dir).get(0);
    long size = Files.size(seg);
    int record = RecordFormat.recordBytes(200);
    assertEquals(10L * record, size);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(size - record / 2); // the 10th record is cut in the middle, as by kill -9 mid-write
    }
    try (Spool spool = Spool.open(dir, 1 << 20, 1 << 20, new Metrics())) {
      assertEquals(9, spool.endPosition());
      assertEquals(9L * record, Files.size(seg));
      assertEquals(9, readAll(spool, 0).size());
      assertEquals(9, spool.append(Signal.TRACES, 9, payload(99, 200)).get());
      List<SpoolEntry> all = readAll(spool, 0);
      assertEquals(10, all.size());
      assertArrayEquals(payload(99, 200), all.get(9).payload());
    }
  }

  @Test
  void corruptedRecordEndsTheReadablePart() throws Exception {
    try (Spool spool = Spool.open(dir, 1 << 20, 1 << 20, new Metrics())) {
      for (int i = 0; i < 5; i++) {
        spool.append(Signal.TRACES, i, payload(i, 100)).get();
      }
    }
    Path seg = segments(dir).get(0);
    int record = RecordFormat.recordBytes(100);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xff}), 3L * record + 40); // flip a payload byte
    }
    try (Spool spool = Spool.open(dir, 1 << 20, 1 << 20, new Metrics())) {
      assertEquals(3, spool.endPosition(), "the checksum must catch the flipped byte");
    }
  }

  @Test
  void oldestSegmentsAreEvictedAtTheCapAndCounted() throws Exception {
    Metrics m = new Metrics();
    int record = RecordFormat.recordBytes(1000);
    long segmentBytes = 10L * record; // 10 records per segment
    try (Spool spool = Spool.open(dir, 3 * segmentBytes, segmentBytes, m)) {
      for (int i = 0; i < 100; i++) {
        spool.append(Signal.TRACES, i, payload(i, 1000)).get();
      }
      assertTrue(spool.totalBytes() <= 3 * segmentBytes);
      assertTrue(segments(dir).size() <= 3);
      long evicted = m.value("memspan_collector_spool_evicted_records_total");
      assertEquals(spool.firstPosition(), evicted);
      assertTrue(evicted >= 70, "evicted " + evicted);
      List<SpoolEntry> left = readAll(spool, 0);
      assertEquals(100 - evicted, left.size());
      assertEquals(99, left.get(left.size() - 1).position());
      assertTrue(m.render().contains("memspan_collector_spool_evicted_segments_total " + evicted / 10));
    }
  }

  @Test
  void readerOnAnEmptySpoolReturnsNothing() throws Exception {
    try (Spool spool = Spool.open(dir, 1 << 20, 4096, new Metrics()); SpoolReader r = spool.reader(0)) {
      assertNull(r.next());
    }
  }
}
