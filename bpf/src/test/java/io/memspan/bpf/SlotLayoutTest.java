package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java offset and constant against the C definition in memspan.bpf.c, as a C compiler lays
 * it out: the layout section is compiled with gcc (x86-64 and BPF lay out these naturally aligned
 * __u32/__u64 structs identically) and the program prints offsetof/sizeof.
 */
class SlotLayoutTest {

  static Map<String, Integer> javaLayout() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("offsetof(struct memspan_counters, user_faults)", SlotLayout.C_USER_FAULTS);
    m.put("offsetof(struct memspan_counters, kernel_faults)", SlotLayout.C_KERNEL_FAULTS);
    m.put("offsetof(struct memspan_counters, mmap_count)", SlotLayout.C_MMAP_COUNT);
    m.put("offsetof(struct memspan_counters, mmap_bytes)", SlotLayout.C_MMAP_BYTES);
    m.put("offsetof(struct memspan_counters, munmap_count)", SlotLayout.C_MUNMAP_COUNT);
    m.put("offsetof(struct memspan_counters, munmap_bytes)", SlotLayout.C_MUNMAP_BYTES);
    m.put("offsetof(struct memspan_counters, mremap_count)", SlotLayout.C_MREMAP_COUNT);
    m.put("offsetof(struct memspan_counters, brk_count)", SlotLayout.C_BRK_COUNT);
    m.put("offsetof(struct memspan_counters, madvise_count)", SlotLayout.C_MADVISE_COUNT);
    m.put("sizeof(struct memspan_counters)", SlotLayout.COUNTERS_SIZE);
    m.put("offsetof(struct memspan_slot, tid)", SlotLayout.TID);
    m.put("offsetof(struct memspan_slot, fault_addr_count)", SlotLayout.FAULT_ADDR_COUNT);
    m.put("offsetof(struct memspan_slot, op_id)", SlotLayout.OP_ID);
    m.put("offsetof(struct memspan_slot, op)", SlotLayout.OP);
    m.put("offsetof(struct memspan_slot, idle)", SlotLayout.IDLE);
    m.put("offsetof(struct memspan_slot, fault_addrs)", SlotLayout.FAULT_ADDRS);
    m.put("sizeof(struct memspan_slot)", SlotLayout.SIZE);
    m.put("MEMSPAN_MAX_FAULT_ADDRS", SlotLayout.MAX_FAULT_ADDRS);
    m.put("MEMSPAN_PROBE_LIMIT", SlotLayout.PROBE_LIMIT);
    m.put("offsetof(struct memspan_event, kind)", EventLayout.KIND);
    m.put("offsetof(struct memspan_event, tid)", EventLayout.TID);
    m.put("offsetof(struct memspan_event, enter_ns)", EventLayout.ENTER_NS);
    m.put("offsetof(struct memspan_event, exit_ns)", EventLayout.EXIT_NS);
    m.put("offsetof(struct memspan_event, args)", EventLayout.ARGS);
    m.put("sizeof(((struct memspan_event *)0)->args) / 8", EventLayout.ARG_COUNT);
    m.put("offsetof(struct memspan_event, ret)", EventLayout.RET);
    m.put("offsetof(struct memspan_event, op_id)", EventLayout.OP_ID);
    m.put("sizeof(struct memspan_event)", EventLayout.SIZE);
    m.put("offsetof(struct memspan_config, tgid)", ProbeTarget.TGID);
    m.put("offsetof(struct memspan_config, pidns)", ProbeTarget.PIDNS);
    m.put("offsetof(struct memspan_config, pidns_dev)", ProbeTarget.PIDNS_DEV);
    m.put("offsetof(struct memspan_config, pidns_ino)", ProbeTarget.PIDNS_INO);
    m.put("sizeof(struct memspan_config)", ProbeTarget.SIZE);
    m.put("MEMSPAN_MMAP", SyscallRecord.Syscall.MMAP.ordinal() + 1);
    m.put("MEMSPAN_MUNMAP", SyscallRecord.Syscall.MUNMAP.ordinal() + 1);
    m.put("MEMSPAN_MREMAP", SyscallRecord.Syscall.MREMAP.ordinal() + 1);
    m.put("MEMSPAN_BRK", SyscallRecord.Syscall.BRK.ordinal() + 1);
    m.put("MEMSPAN_MADVISE", SyscallRecord.Syscall.MADVISE.ordinal() + 1);
    m.put("MEMSPAN_STAT_GENERATED", KernelStats.GENERATED);
    m.put("MEMSPAN_STAT_LOST", KernelStats.LOST);
    m.put("MEMSPAN_STAT_IDLE_UNCOUNTED", KernelStats.IDLE_UNCOUNTED);
    m.put("MEMSPAN_STAT_TAKEN", KernelStats.TAKEN);
    m.put("MEMSPAN_STATS", KernelStats.COUNT);
    return m;
  }

  @Test
  void javaOffsetsMatchTheCompiledC(@TempDir Path dir) throws IOException, InterruptedException {
    // The very text libbcc compiles: the resource in the jar, not a copy.
    Path source = dir.resolve("memspan.bpf.c");
    Files.writeString(source, BccProgram.source());
    Map<String, Integer> expected = javaLayout();
    StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n"
        + "#include <linux/types.h>\n#define MEMSPAN_LAYOUT_ONLY\n#include \"memspan.bpf.c\"\n"
        + "int main(void) {\n");
    for (String expr : expected.keySet()) {
      c.append("  printf(\"%s=%zu\\n\", \"").append(expr).append("\", (size_t)(").append(expr)
          .append("));\n");
    }
    c.append("  return 0;\n}\n");
    Files.writeString(dir.resolve("layout.c"), c);

    run(dir, "gcc", "-Wall", "-Werror", "-o", "layout", "layout.c");
    String out = run(dir, dir.resolve("layout").toString());

    Map<String, Integer> actual = new HashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.lastIndexOf('=');
      actual.put(line.substring(0, eq), Integer.parseInt(line.substring(eq + 1)));
    }
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      assertEquals(actual.get(e.getKey()), e.getValue(), e.getKey());
    }
    assertEquals(0, SlotLayout.SIZE % 64, "slots are whole cache lines");
  }

  static String run(Path dir, String... command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      return fail(command[0] + " is needed to check the slot layout (apt-get install gcc)", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }
}
