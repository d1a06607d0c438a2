package io.memspan.bpf;

/**
 * The counters the kernel keeps per slot, once for the armed op and once for idle time. A mutable
 * holder so the hot path can reuse one per thread instead of allocating.
 */
public final class SlotCounters {
  public long userFaults;
  public long kernelFaults;
  public long mmapCount;
  public long mmapBytes;
  public long munmapCount;
  public long munmapBytes;
  public long mremapCount;
  public long brkCount;
  public long madviseCount;

  public void clear() {
    userFaults = kernelFaults = mmapCount = mmapBytes = munmapCount = munmapBytes = 0;
    mremapCount = brkCount = madviseCount = 0;
  }

  public void copyFrom(SlotCounters o) {
    userFaults = o.userFaults;
    kernelFaults = o.kernelFaults;
    mmapCount = o.mmapCount;
    mmapBytes = o.mmapBytes;
    munmapCount = o.munmapCount;
    munmapBytes = o.munmapBytes;
    mremapCount = o.mremapCount;
    brkCount = o.brkCount;
    madviseCount = o.madviseCount;
  }

  /**
   * Adds another source's counters of the same thread (see BccProbe.forEachIdleThread); returns
   * this, so it serves as {@code Map.merge}'s function.
   */
  public SlotCounters add(SlotCounters o) {
    userFaults += o.userFaults;
    kernelFaults += o.kernelFaults;
    mmapCount += o.mmapCount;
    mmapBytes += o.mmapBytes;
    munmapCount += o.munmapCount;
    munmapBytes += o.munmapBytes;
    mremapCount += o.mremapCount;
    brkCount += o.brkCount;
    madviseCount += o.madviseCount;
    return this;
  }

  public long faults() {
    return userFaults + kernelFaults;
  }

  @Override
  public String toString() {
    return "faults=" + userFaults + "+" + kernelFaults + "k mmap=" + mmapCount + "/" + mmapBytes
        + "B munmap=" + munmapCount + "/" + munmapBytes + "B mremap=" + mremapCount + " brk="
        + brkCount + " madvise=" + madviseCount;
  }
}
