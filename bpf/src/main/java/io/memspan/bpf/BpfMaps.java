package io.memspan.bpf;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The {@code bpf(2)} map commands memspan makes itself, through libc's {@code syscall}: no libbcc,
 * so the doctor, the preflight and the idle-thread walk of an already loaded program never dlopen
 * LLVM. Each call returns what the kernel said: an fd or 0 on success, minus errno on failure.
 * The one definition of the {@code union bpf_attr} layouts memspan writes.
 */
public final class BpfMaps {
  // uapi/linux/bpf.h: enum bpf_cmd, enum bpf_map_type, map flags.
  static final int BPF_MAP_CREATE = 0;
  static final int BPF_MAP_LOOKUP_ELEM = 1;
  static final int BPF_MAP_UPDATE_ELEM = 2;
  static final int BPF_MAP_DELETE_ELEM = 3;
  static final int BPF_MAP_GET_NEXT_KEY = 4;
  public static final int BPF_MAP_TYPE_HASH = 1;
  public static final int BPF_MAP_TYPE_ARRAY = 2;
  public static final int BPF_MAP_TYPE_RINGBUF = 27;
  public static final int BPF_F_MMAPABLE = 1 << 10;

  /** map_type, key_size, value_size, max_entries, map_flags: the prefix of bpf_attr we set. */
  private static final int CREATE_ATTR_SIZE = 20;
  /** ... then inner_map_fd, numa_node, map_name[16] (BPF_OBJ_NAME_LEN). */
  private static final int CREATE_NAME = 28;
  static final int OBJ_NAME_LEN = 16;
  private static final int CREATE_NAMED_ATTR_SIZE = CREATE_NAME + OBJ_NAME_LEN;
  /** The *_ELEM and GET_NEXT_KEY struct: map_fd (u32, padded), key, value or next_key, flags. */
  private static final int ELEM_ATTR_SIZE = 32;
  private static final int ELEM_FD = 0;
  private static final int ELEM_KEY = 8;
  private static final int ELEM_VALUE = 16;
  private static final int ELEM_FLAGS = 24;

  private static final long SYS_BPF = syscallNumber();

  /** {@code syscall} is variadic: interface mapping with varargs makes a proper variadic call. */
  interface Libc extends Library {
    Libc INSTANCE = Native.load(Platform.C_LIBRARY_NAME, Libc.class);

    long syscall(long number, Object... args);
  }

  private BpfMaps() {}

  /** bpf's syscall number on this machine, or -1 where memspan does not know it. */
  public static long syscallNumber() {
    if (Platform.isLinux() && Platform.is64Bit()) {
      if (Platform.isIntel()) {
        return 321;
      }
      if (Platform.isARM()) {
        return 280;
      }
    }
    return -1;
  }

  /** {@code BPF_MAP_CREATE}: the new map's fd, or minus errno. */
  public static int create(int type, int keySize, int valueSize, int maxEntries, int flags) {
    try (Memory attr = new Memory(CREATE_ATTR_SIZE)) {
      attr.setInt(0, type);
      attr.setInt(4, keySize);
      attr.setInt(8, valueSize);
      attr.setInt(12, maxEntries);
      attr.setInt(16, flags);
      return bpf(BPF_MAP_CREATE, attr, CREATE_ATTR_SIZE);
    }
  }

  /**
   * {@code BPF_MAP_CREATE} with a name (as {@code bpftool map} shows it; at most 15 characters of
   * {@code [A-Za-z0-9_.]} are kept): the new map's fd, or minus errno.
   */
  static int create(int type, int keySize, int valueSize, int maxEntries, int flags, String name) {
    try (Memory attr = new Memory(CREATE_NAMED_ATTR_SIZE)) {
      attr.clear();
      attr.setInt(0, type);
      attr.setInt(4, keySize);
      attr.setInt(8, valueSize);
      attr.setInt(12, maxEntries);
      attr.setInt(16, flags);
      writeObjName(attr, CREATE_NAME, name);
      return bpf(BPF_MAP_CREATE, attr, CREATE_NAMED_ATTR_SIZE);
    }
  }

  /** A kernel object name: NUL-terminated, at most 15 of the characters the kernel accepts. */
  static void writeObjName(Memory attr, long offset, String name) {
    StringBuilder kept = new StringBuilder();
    for (char c : name.toCharArray()) {
      if (kept.length() == OBJ_NAME_LEN - 1) {
        break;
      }
      if (Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '.') {
        kept.append(c);
      }
    }
    byte[] bytes = kept.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    attr.write(offset, bytes, 0, bytes.length);
  }

  /** {@code BPF_MAP_LOOKUP_ELEM}: copies the value of {@code key} into {@code value}. */
  static int lookup(int fd, Pointer key, Pointer value) {
    return elem(BPF_MAP_LOOKUP_ELEM, fd, key, value, 0);
  }

  /** {@code BPF_MAP_UPDATE_ELEM} with {@code BPF_ANY}: creates or replaces {@code key}'s value. */
  static int update(int fd, Pointer key, Pointer value) {
    return elem(BPF_MAP_UPDATE_ELEM, fd, key, value, 0);
  }

  static int delete(int fd, Pointer key) {
    return elem(BPF_MAP_DELETE_ELEM, fd, key, null, 0);
  }

  /**
   * {@code BPF_MAP_GET_NEXT_KEY}: the key after {@code key} (the first one when {@code key} is
   * null) into {@code next}; minus ENOENT after the last.
   */
  static int nextKey(int fd, Pointer key, Pointer next) {
    return elem(BPF_MAP_GET_NEXT_KEY, fd, key, next, 0);
  }

  private static int elem(int cmd, int fd, Pointer key, Pointer valueOrNext, long flags) {
    try (Memory attr = new Memory(ELEM_ATTR_SIZE)) {
      attr.clear();
      attr.setInt(ELEM_FD, fd);
      attr.setLong(ELEM_KEY, Pointer.nativeValue(key));
      attr.setLong(ELEM_VALUE, Pointer.nativeValue(valueOrNext));
      attr.setLong(ELEM_FLAGS, flags);
      return bpf(cmd, attr, ELEM_ATTR_SIZE);
    }
  }

  /** {@code bpf(cmd, attr, size)}: what the kernel returned, or minus errno. */
  static int bpf(int cmd, Memory attr, int size) {
    if (SYS_BPF < 0) {
      return -38; // ENOSYS: not a platform whose syscall number we know
    }
    long r = Libc.INSTANCE.syscall(SYS_BPF, (long) cmd, attr, (long) size);
    return r >= 0 ? (int) r : -Native.getLastError();
  }
}
