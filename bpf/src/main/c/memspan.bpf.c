// memspan kernel side: attributes page faults and memory syscalls of one process to the operation
// armed on the faulting thread. Compiled at run time by libbcc (see io.memspan.bpf.BccProgram) with
// flags that depend only on io.memspan.bpf.ProbeOptions, so that the compiled instructions can be
// cached and reused by every process (io.memspan.bpf.CompileCache):
//   -DMEMSPAN_SLOT_BITS=<n>          log2 of the slot count
//   -DMEMSPAN_RING_PAGES=<n>         ring-buffer size in pages (power of two)
//   -DMEMSPAN_FAULT_ADDRS=<n>        first n fault addresses kept per armed op (0..MEMSPAN_MAX_FAULT_ADDRS)
//   -DMEMSPAN_IDLE_THREADS=<n>       bound of the per-tid idle table for threads without a slot
// What differs per process (the traced tgid, the pid namespace) is in the `config` map, written by
// the loader after loading and before attaching.
//
// The layout section below is the one C definition of every structure Java reads; Java's definition
// is io.memspan.bpf.SlotLayout / EventLayout / KernelStats, and SlotLayoutTest compiles this
// section with the host C compiler (-DMEMSPAN_LAYOUT_ONLY) to check every Java offset against it.

// ---- layout (shared with Java) -------------------------------------------------------------------
#define MEMSPAN_MAX_FAULT_ADDRS 16
#define MEMSPAN_PROBE_LIMIT 8

// Syscall kinds carried in events; Java: SyscallRecord.Syscall ordinal + 1.
#define MEMSPAN_MMAP 1
#define MEMSPAN_MUNMAP 2
#define MEMSPAN_MREMAP 3
#define MEMSPAN_BRK 4
#define MEMSPAN_MADVISE 5

// Indexes in the stats array.
#define MEMSPAN_STAT_GENERATED 0   // syscall records the program tried to deliver
#define MEMSPAN_STAT_LOST 1        // of those, not delivered: ring full or in-flight table full
#define MEMSPAN_STAT_IDLE_UNCOUNTED 2 // events of slotless threads lost because the idle table is full
#define MEMSPAN_STAT_TAKEN 3       // records the reader has taken from the ring (written by the reader)
#define MEMSPAN_STATS 8

struct memspan_counters {
  __u64 user_faults;
  __u64 kernel_faults;
  __u64 mmap_count;
  __u64 mmap_bytes;
  __u64 munmap_count;
  __u64 munmap_bytes;
  __u64 mremap_count;
  __u64 brk_count;
  __u64 madvise_count;
};

// One thread's slot. Java claims it by compare-and-set of tid from 0, arms by storing op_id, disarms
// by storing 0; the kernel only writes counters while running on that thread, so there is one writer.
// 320 bytes: a multiple of the cache line, so one thread's counters never share a line with another's.
struct memspan_slot {
  __u32 tid;
  __u32 fault_addr_count;
  __u64 op_id;
  struct memspan_counters op;
  struct memspan_counters idle;
  __u64 fault_addrs[MEMSPAN_MAX_FAULT_ADDRS];
  __u64 reserved[4];
};

// One memory syscall, as carried by the ring buffer.
struct memspan_event {
  __u32 kind;
  __u32 tid;
  __u64 enter_ns;
  __u64 exit_ns;
  __u64 args[6];
  __s64 ret;
  __u64 op_id;
};

// The traced process: the one entry of the `config` array. tgid 0 traces nothing.
struct memspan_config {
  __u32 tgid;       // as the loading process's pid namespace sees it
  __u32 pidns;      // 1: translate pids through (pidns_dev, pidns_ino), the loader's namespace
  __u64 pidns_dev;
  __u64 pidns_ino;
};
// ---- end of layout -------------------------------------------------------------------------------

#ifndef MEMSPAN_LAYOUT_ONLY

#define MEMSPAN_SLOTS (1u << MEMSPAN_SLOT_BITS)

BPF_F_TABLE("array", u32, struct memspan_slot, slots, MEMSPAN_SLOTS, BPF_F_MMAPABLE);
BPF_F_TABLE("array", u32, u64, stats, MEMSPAN_STATS, BPF_F_MMAPABLE);
BPF_RINGBUF_OUTPUT(events, MEMSPAN_RING_PAGES);
// A quarter of the ring, in records (each behind an 8-byte header).
#define MEMSPAN_RING_WAKE_RECORDS ((u64)MEMSPAN_RING_PAGES * PAGE_SIZE / 4 / (sizeof(struct memspan_event) + 8))
// Threads without a slot (GC, JIT, ...): counters per tid, bounded.
BPF_HASH(idle_threads, u32, struct memspan_counters, MEMSPAN_IDLE_THREADS);
// Syscalls between enter and exit, per tid.
BPF_HASH(inflight, u32, struct memspan_event, 4096);
BPF_ARRAY(config, struct memspan_config, 1);

static __always_inline void stat_add(u32 index) {
  u64 *v = stats.lookup(&index);
  if (v)
    __sync_fetch_and_add(v, 1);
}

static __always_inline u64 stat_get(u32 index) {
  u64 *v = stats.lookup(&index);
  return v ? *(volatile u64 *)v : 0;
}

// The traced thread's id as the loading process sees it, or 0 when the event is not ours. The config
// lookup of a plain array with a constant key is inlined by the verifier: a load, no call.
static __always_inline u32 traced_tid(void) {
  u32 zero = 0;
  struct memspan_config *cfg = config.lookup(&zero);
  if (!cfg)
    return 0;
  u32 tgid = cfg->tgid;
  if (!tgid)
    return 0;
  if (cfg->pidns) {
    struct bpf_pidns_info ns = {};
    if (bpf_get_ns_current_pid_tgid(cfg->pidns_dev, cfg->pidns_ino, &ns, sizeof(ns)))
      return 0;
    if (ns.tgid != tgid)
      return 0;
    return ns.pid;
  }
  u64 id = bpf_get_current_pid_tgid();
  if ((id >> 32) != tgid)
    return 0;
  return (u32)id;
}

// Linear probing from tid & mask, as io.memspan.bpf.SlotTable claims.
static __always_inline struct memspan_slot *find_slot(u32 tid) {
#pragma unroll
  for (u32 i = 0; i < MEMSPAN_PROBE_LIMIT; i++) {
    u32 index = (tid + i) & (MEMSPAN_SLOTS - 1);
    struct memspan_slot *slot = slots.lookup(&index);
    if (slot && *(volatile u32 *)&slot->tid == tid)
      return slot;
  }
  return 0;
}

// The counters an event of this thread goes to: the armed op's, the slot's idle ones, or the
// per-tid idle table's. Sets *op_id to the armed op (0 if none).
static __always_inline struct memspan_counters *counters_for(u32 tid, struct memspan_slot **slot_out,
                                                             u64 *op_id) {
  struct memspan_slot *slot = find_slot(tid);
  *slot_out = slot;
  if (slot) {
    u64 armed = *(volatile u64 *)&slot->op_id;
    *op_id = armed;
    return armed ? &slot->op : &slot->idle;
  }
  *op_id = 0;
  struct memspan_counters zero = {};
  struct memspan_counters *c = idle_threads.lookup_or_try_init(&tid, &zero);
  if (!c)
    stat_add(MEMSPAN_STAT_IDLE_UNCOUNTED);
  return c;
}

static __always_inline int on_fault(u64 address, int in_kernel) {
  u32 tid = traced_tid();
  if (!tid)
    return 0;
  struct memspan_slot *slot;
  u64 op_id;
  struct memspan_counters *c = counters_for(tid, &slot, &op_id);
  if (!c)
    return 0;
  if (in_kernel)
    c->kernel_faults++;
  else
    c->user_faults++;
#if MEMSPAN_FAULT_ADDRS > 0
  if (op_id && slot) {
    u32 n = slot->fault_addr_count;
    if (n < MEMSPAN_FAULT_ADDRS && n < MEMSPAN_MAX_FAULT_ADDRS) {
      slot->fault_addrs[n] = address;
      slot->fault_addr_count = n + 1;
    }
  }
#endif
  return 0;
}

// Faults fire for every process on the host: raw tracepoints run the program without first
// building the perf record. TP_PROTO(unsigned long address, struct pt_regs *regs, unsigned long
// error_code) of exceptions:page_fault_{user,kernel}.
RAW_TRACEPOINT_PROBE(page_fault_user) {
  return on_fault(ctx->args[0], 0);
}

RAW_TRACEPOINT_PROBE(page_fault_kernel) {
  return on_fault(ctx->args[0], 1);
}

static __always_inline int syscall_enter(u32 kind, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5) {
  u32 tid = traced_tid();
  if (!tid)
    return 0;
  struct memspan_event e = {};
  e.kind = kind;
  e.tid = tid;
  e.enter_ns = bpf_ktime_get_ns();
  e.args[0] = a0;
  e.args[1] = a1;
  e.args[2] = a2;
  e.args[3] = a3;
  e.args[4] = a4;
  e.args[5] = a5;
  struct memspan_slot *slot = find_slot(tid);
  if (slot)
    e.op_id = *(volatile u64 *)&slot->op_id;
  if (inflight.update(&tid, &e)) {
    stat_add(MEMSPAN_STAT_GENERATED);
    stat_add(MEMSPAN_STAT_LOST);
  }
  return 0;
}

static __always_inline void count_syscall(struct memspan_counters *c, struct memspan_event *e) {
  if (e->ret < 0 && e->kind != MEMSPAN_BRK)
    return;
  switch (e->kind) {
  case MEMSPAN_MMAP:
    c->mmap_count++;
    c->mmap_bytes += e->args[1];
    break;
  case MEMSPAN_MUNMAP:
    c->munmap_count++;
    c->munmap_bytes += e->args[1];
    break;
  case MEMSPAN_MREMAP:
    c->mremap_count++;
    break;
  case MEMSPAN_BRK:
    c->brk_count++;
    break;
  case MEMSPAN_MADVISE:
    c->madvise_count++;
    break;
  }
}

static __always_inline int syscall_exit(long ret) {
  u32 tid = traced_tid();
  if (!tid)
    return 0;
  struct memspan_event *pending = inflight.lookup(&tid);
  if (!pending)
    return 0; // entered before the probe was attached
  struct memspan_event e = *pending;
  inflight.delete(&tid);
  e.exit_ns = bpf_ktime_get_ns();
  e.ret = ret;

  struct memspan_slot *slot = find_slot(tid);
  struct memspan_counters *c = 0;
  if (slot) {
    // The op armed at entry is still armed: the thread was in this syscall all along.
    c = (e.op_id && *(volatile u64 *)&slot->op_id == e.op_id) ? &slot->op : &slot->idle;
  } else {
    struct memspan_counters zero = {};
    c = idle_threads.lookup_or_try_init(&tid, &zero);
    if (!c)
      stat_add(MEMSPAN_STAT_IDLE_UNCOUNTED);
  }
  if (c)
    count_syscall(c, &e);

  stat_add(MEMSPAN_STAT_GENERATED);
  struct memspan_event *out = events.ringbuf_reserve(sizeof(struct memspan_event));
  if (!out) {
    stat_add(MEMSPAN_STAT_LOST);
    return 0;
  }
  __builtin_memcpy(out, &e, sizeof(e));
  // Most records wake no one: Java drains the ring on its own schedule (a wake-up per record
  // throttled the faulting thread ~3x). Once a quarter of the ring is unread, each record wakes
  // the reader, so an idle reader can sleep long without the ring ever filling. Unread is
  // counted in records, from the reader's published count: libbcc 0.26 cannot pass the ring to
  // bpf_ringbuf_query. Taken first and generated last: counts racing on other CPUs can then only
  // make unread larger (at worst one early wake-up), never wrap below zero; compared signed.
  u64 taken = stat_get(MEMSPAN_STAT_TAKEN);
  u64 lost = stat_get(MEMSPAN_STAT_LOST);
  s64 unread = (s64)(stat_get(MEMSPAN_STAT_GENERATED) - lost - taken);
  events.ringbuf_submit(out, unread >= (s64)MEMSPAN_RING_WAKE_RECORDS ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
  return 0;
}

TRACEPOINT_PROBE(syscalls, sys_enter_mmap) {
  return syscall_enter(MEMSPAN_MMAP, args->addr, args->len, args->prot, args->flags, args->fd, args->off);
}
TRACEPOINT_PROBE(syscalls, sys_exit_mmap) { return syscall_exit(args->ret); }

TRACEPOINT_PROBE(syscalls, sys_enter_munmap) {
  return syscall_enter(MEMSPAN_MUNMAP, args->addr, args->len, 0, 0, 0, 0);
}
TRACEPOINT_PROBE(syscalls, sys_exit_munmap) { return syscall_exit(args->ret); }

TRACEPOINT_PROBE(syscalls, sys_enter_mremap) {
  return syscall_enter(MEMSPAN_MREMAP, args->addr, args->old_len, args->new_len, args->flags,
                  args->new_addr, 0);
}
TRACEPOINT_PROBE(syscalls, sys_exit_mremap) { return syscall_exit(args->ret); }

TRACEPOINT_PROBE(syscalls, sys_enter_brk) {
  return syscall_enter(MEMSPAN_BRK, args->brk, 0, 0, 0, 0, 0);
}
TRACEPOINT_PROBE(syscalls, sys_exit_brk) { return syscall_exit(args->ret); }

TRACEPOINT_PROBE(syscalls, sys_enter_madvise) {
  return syscall_enter(MEMSPAN_MADVISE, args->start, args->len_in, (u64)args->behavior, 0, 0, 0);
}
TRACEPOINT_PROBE(syscalls, sys_exit_madvise) { return syscall_exit(args->ret); }

#endif // MEMSPAN_LAYOUT_ONLY
