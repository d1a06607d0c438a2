package io.memspan.collector.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;

/**
 * Reads spool records in order from a position. Only fsynced records are returned. A reader whose
 * next record was evicted (or lost to corruption) skips to the oldest record still there and counts
 * what it skipped ({@link #skipped()}). Not thread-safe: one reader per consumer.
 */
public final class SpoolReader implements AutoCloseable {
  private final Spool spool;
  private final ByteBuffer header = ByteBuffer.allocate(RecordFormat.HEADER_BYTES);
  private long next;
  private long skipped;
  private Segment segment;
  private FileChannel channel;
  private long offset;
  private long offsetPosition; // position of the record at offset (when scanning forward)

  SpoolReader(Spool spool, long position) {
    this.spool = spool;
    this.next = position;
  }

  /** Position of the next record this reader returns. */
  public long position() {
    return next;
  }

  /** Records that were gone (evicted) before this reader got to them. */
  public long skipped() {
    return skipped;
  }

  /** The next durable record, or null when the reader has caught up. */
  public SpoolEntry next() throws IOException {
    for (int attempt = 0; attempt < 1000; attempt++) {
      if (next >= spool.endPosition()) {
        return null;
      }
      long first = spool.firstPosition();
      if (next < first) {
        skipped += first - next;
        next = first;
        closeChannel();
      }
      Segment s = spool.segmentFor(next);
      if (s == null) {
        return null;
      }
      if (s.firstPosition > next) {
        skipped += s.firstPosition - next; // a gap left by a corrupt segment tail
        next = s.firstPosition;
      }
      if (s != segment) {
        closeChannel();
        try {
          channel = FileChannel.open(s.path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
          continue; // evicted between the lookup and the open: look again
        }
        segment = s;
        offset = 0;
        offsetPosition = s.firstPosition;
      }
      if (offsetPosition > next) { // moved backwards: rescan the segment
        offset = 0;
        offsetPosition = s.firstPosition;
      }
      while (offsetPosition <= next) {
        Segment.Read r = Segment.readAt(channel, offset, s.sizeBytes, header);
        if (r == null) {
          break;
        }
        long pos = RecordFormat.positionOf(r.body());
        offset += r.recordBytes();
        offsetPosition = pos + 1;
        if (pos == next) {
          SpoolEntry e = RecordFormat.decode(r.body());
          if (e != null) {
            next++;
            return e;
          }
        }
      }
      // Not in this segment (its end was cut by recovery): continue with the next one.
      if (next < s.endPosition) {
        throw new IOException("spool record " + next + " missing from " + s.path);
      }
      Segment after = spool.segmentFor(s.endPosition);
      if (after == null || after == s) {
        return null;
      }
      skipped += after.firstPosition - next;
      next = after.firstPosition;
    }
    throw new IOException("spool reader could not make progress at " + next);
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // read-only channel: nothing to lose
      }
      channel = null;
      segment = null;
    }
  }

  @Override
  public void close() {
    closeChannel();
  }
}
