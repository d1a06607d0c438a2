package io.memspan.agent.op;

import io.memspan.bpf.SlotCounters;
import io.memspan.bpf.SyscallRecord;
import java.util.List;

/**
 * One finished operation that sampling kept: what grew, where, by how much, and what it cost the
 * kernel. Built once per kept op on the application thread, then handed to the exporter.
 *
 * @param name span name, {@code <SimpleType>.<op>} such as {@code HashMap.resize}
 * @param structureType fully qualified class of the structure ({@code java.util.HashMap})
 * @param structureId identity of the structure (identityHashCode), to group its growths
 * @param resizeId non-zero when several threads took part in one resize (ConcurrentHashMap
 *     transfer): every helper's op carries the same id
 * @param counters the slot's counters for this op (faults, mmap, ...), never null
 * @param events the syscall records tagged with this op's id, in time order
 * @param kernelSource {@code bcc}, {@code rusage} or {@code none}
 */
public record Op(
    long opId,
    String name,
    String structureType,
    int structureId,
    long resizeId,
    long capacityBefore,
    long capacityAfter,
    long size,
    long bytesCopied,
    long bytesAllocated,
    long startEpochNanos,
    long endEpochNanos,
    int tid,
    long threadId,
    String threadName,
    CallSite callSite,
    SlotCounters counters,
    List<SyscallRecord> events,
    String kernelSource) {}
