package io.memspan.bpf;

/**
 * How to load the eBPF probe.
 *
 * @param pid the traced process, {@code 0} for this one
 * @param slots per-thread slots, a power of two (default 4096)
 * @param ringBytes ring-buffer size, a power of two of at least one page (default 4 MiB)
 * @param faultAddresses the first fault addresses kept per armed op, 0 (off, default) to
 *     {@link #MAX_FAULT_ADDRESSES}
 * @param idleThreads bound of the per-tid idle counters of threads without a slot (default 4096)
 */
public record ProbeOptions(int pid, int slots, int ringBytes, int faultAddresses, int idleThreads) {

  /** Matches MEMSPAN_MAX_FAULT_ADDRS in memspan.bpf.c; SlotLayoutTest checks it. */
  public static final int MAX_FAULT_ADDRESSES = SlotLayout.MAX_FAULT_ADDRS;

  public ProbeOptions {
    if (pid < 0) {
      throw new IllegalArgumentException("pid must be 0 (this process) or a process id, got " + pid);
    }
    if (slots < 1 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two, got " + slots);
    }
    if (ringBytes < 4096 || Integer.bitCount(ringBytes) != 1) {
      throw new IllegalArgumentException(
          "ringBytes must be a power of two of at least 4096, got " + ringBytes);
    }
    if (faultAddresses < 0 || faultAddresses > MAX_FAULT_ADDRESSES) {
      throw new IllegalArgumentException(
          "faultAddresses must be 0.." + MAX_FAULT_ADDRESSES + ", got " + faultAddresses);
    }
    if (idleThreads < 1) {
      throw new IllegalArgumentException("idleThreads must be positive, got " + idleThreads);
    }
  }

  /** This process, 4096 slots, 4 MiB ring, no fault addresses, 4096 idle threads. */
  public static ProbeOptions defaults() {
    return new ProbeOptions(0, 4096, 4 << 20, 0, 4096);
  }

  public ProbeOptions withPid(int pid) {
    return new ProbeOptions(pid, slots, ringBytes, faultAddresses, idleThreads);
  }

  public ProbeOptions withSlots(int slots) {
    return new ProbeOptions(pid, slots, ringBytes, faultAddresses, idleThreads);
  }

  public ProbeOptions withRingBytes(int ringBytes) {
    return new ProbeOptions(pid, slots, ringBytes, faultAddresses, idleThreads);
  }

  public ProbeOptions withFaultAddresses(int faultAddresses) {
    return new ProbeOptions(pid, slots, ringBytes, faultAddresses, idleThreads);
  }

  public ProbeOptions withIdleThreads(int idleThreads) {
    return new ProbeOptions(pid, slots, ringBytes, faultAddresses, idleThreads);
  }

  /** The process id to trace: {@link #pid()} or, when 0, this process's. */
  public int targetPid() {
    return pid != 0 ? pid : (int) ProcessHandle.current().pid();
  }
}
