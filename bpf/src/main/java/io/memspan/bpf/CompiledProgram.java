package io.memspan.bpf;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What libbcc's compile of memspan.bpf.c produced, independent of any process: the maps it defines,
 * and each tracepoint function's instructions with every map reference
 * ({@code BPF_LD_IMM64} with {@code src_reg = BPF_PSEUDO_MAP_FD}) replaced by the index of its map.
 * Enough to create the maps and load the programs again without libbcc ({@link CachedProgram}).
 */
record CompiledProgram(String license, int kernVersion, List<MapSpec> maps,
    List<FunctionCode> functions) {

  static final int INSN_SIZE = 8;
  /** BPF_LD | BPF_IMM | BPF_DW: the first half of a 16-byte 64-bit immediate load. */
  static final int LD_IMM64 = 0x18;
  static final int PSEUDO_MAP_FD = 1;

  /** A map as the kernel created it for libbcc (read back with BPF_OBJ_GET_INFO_BY_FD). */
  record MapSpec(String name, int type, int keySize, int valueSize, int maxEntries, int flags) {}

  /**
   * One function's instructions, map immediates zeroed; {@code relocations} holds pairs
   * (instruction index, map index).
   */
  record FunctionCode(String name, int progType, byte[] insns, int[] relocations) {
    byte[] linkedTo(int[] mapFds) {
      byte[] out = insns.clone();
      for (int i = 0; i < relocations.length; i += 2) {
        int at = relocations[i] * INSN_SIZE + 4;
        int fd = mapFds[relocations[i + 1]];
        out[at] = (byte) fd;
        out[at + 1] = (byte) (fd >> 8);
        out[at + 2] = (byte) (fd >> 16);
        out[at + 3] = (byte) (fd >> 24);
      }
      return out;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FunctionCode f && f.name.equals(name) && f.progType == progType
          && Arrays.equals(f.insns, insns) && Arrays.equals(f.relocations, relocations);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(insns);
    }
  }

  int mapIndex(String name) {
    for (int i = 0; i < maps.size(); i++) {
      if (maps.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Reads the compiled program out of a libbcc module, before libbcc loads it. Throws
   * {@link IllegalStateException} with the reason when the instructions hold something this
   * format cannot carry (a map reference to an unknown fd, another kind of pseudo immediate).
   */
  static CompiledProgram extract(LibBcc bcc, Pointer module) {
    int tables = (int) bcc.bpf_num_tables(module);
    List<MapSpec> maps = new ArrayList<>();
    int[] fds = new int[tables];
    for (int i = 0; i < tables; i++) {
      String name = bcc.bpf_table_name(module, i);
      fds[i] = bcc.bpf_table_fd_id(module, i);
      MapSpec spec = fds[i] < 0 ? null : BpfPrograms.mapInfo(fds[i], name);
      if (spec == null) {
        throw new IllegalStateException("map " + name + " has no readable fd (" + fds[i] + ")");
      }
      maps.add(spec);
    }
    List<FunctionCode> functions = new ArrayList<>();
    for (Tracepoint tp : Tracepoint.ALL) {
      String fn = tp.functionName();
      Pointer start = bcc.bpf_function_start(module, fn);
      long size = bcc.bpf_function_size(module, fn);
      if (start == null || size <= 0 || size % INSN_SIZE != 0) {
        throw new IllegalStateException("function " + fn + " has no instructions");
      }
      byte[] insns = start.getByteArray(0, (int) size);
      functions.add(new FunctionCode(fn, tp.programType(), insns, unlink(fn, insns, fds)));
    }
    return new CompiledProgram(bcc.bpf_module_license(module), bcc.bpf_module_kern_version(module),
        List.copyOf(maps), List.copyOf(functions));
  }

  /** Zeroes each map immediate of {@code insns} in place; returns (insn, map index) pairs. */
  static int[] unlink(String fn, byte[] insns, int[] mapFds) {
    List<Integer> relocs = new ArrayList<>();
    int n = insns.length / INSN_SIZE;
    for (int i = 0; i < n; i++) {
      int at = i * INSN_SIZE;
      if ((insns[at] & 0xff) != LD_IMM64) {
        continue;
      }
      int src = (insns[at + 1] >> 4) & 0xf;
      if (src == PSEUDO_MAP_FD) {
        int fd = imm(insns, at);
        int map = indexOf(mapFds, fd);
        if (map < 0) {
          throw new IllegalStateException(fn + " instruction " + i + " refers to fd " + fd
              + ", which is none of the program's maps");
        }
        relocs.add(i);
        relocs.add(map);
        for (int b = 4; b < 8; b++) {
          insns[at + b] = 0;
        }
      } else if (src != 0) {
        throw new IllegalStateException(fn + " instruction " + i + " is a 64-bit load of kind "
            + src + ", which the compile cache does not carry");
      }
      i++; // the second half of the 16-byte load
    }
    return relocs.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Checks what a cache entry claims: every relocation points at a map immediate, every map index
   * exists, and the maps memspan reads are there. Returns the problem, or null.
   */
  String inconsistency() {
    for (String required : CachedProgram.REQUIRED_MAPS) {
      if (mapIndex(required) < 0) {
        return "no map named " + required;
      }
    }
    if (functions.size() != Tracepoint.ALL.size()) {
      return functions.size() + " functions, expected " + Tracepoint.ALL.size();
    }
    for (int f = 0; f < functions.size(); f++) {
      FunctionCode code = functions.get(f);
      if (!code.name().equals(Tracepoint.ALL.get(f).functionName())) {
        return "function " + f + " is " + code.name();
      }
      if (code.insns().length == 0 || code.insns().length % INSN_SIZE != 0
          || code.relocations().length % 2 != 0) {
        return code.name() + " is malformed";
      }
      int n = code.insns().length / INSN_SIZE;
      for (int i = 0; i < code.relocations().length; i += 2) {
        int insn = code.relocations()[i];
        int map = code.relocations()[i + 1];
        if (insn < 0 || insn + 1 >= n || map < 0 || map >= maps.size()
            || (code.insns()[insn * INSN_SIZE] & 0xff) != LD_IMM64
            || ((code.insns()[insn * INSN_SIZE + 1] >> 4) & 0xf) != PSEUDO_MAP_FD) {
          return code.name() + " relocation " + i / 2 + " is not a map reference";
        }
      }
    }
    return null;
  }

  private static int imm(byte[] insns, int at) {
    return (insns[at + 4] & 0xff) | (insns[at + 5] & 0xff) << 8 | (insns[at + 6] & 0xff) << 16
        | (insns[at + 7] & 0xff) << 24;
  }

  private static int indexOf(int[] values, int value) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == value) {
        return i;
      }
    }
    return -1;
  }
}
