package io.memspan.bpf;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The parts of {@code libbcc.so.0} (BCC 0.26; {@code /usr/include/bcc/bcc_common.h}, {@code libbpf.h})
 * memspan uses: compiling, loading and attaching only. Map commands go through {@link BpfMaps}, so
 * nothing after the load needs libbcc. Every call is off the hot path, so the interface mapping is
 * fine. JNA keeps {@code errno} of the last call: {@link Native#getLastError()}.
 */
public interface LibBcc extends Library {

  /** The shared object this binds; {@code deploy/setup-host.sh} installs it (package libbpfcc). */
  String SONAME = "libbcc.so.0";

  int BPF_PROG_TYPE_TRACEPOINT = 5;
  int BPF_PROG_TYPE_RAW_TRACEPOINT = 17;

  /**
   * Loads libbcc (and LLVM with it: tens of ms and tens of MB). Throws {@link UnsatisfiedLinkError}
   * when it is not installed.
   */
  static LibBcc load() {
    return Holder.INSTANCE;
  }

  Pointer bpf_module_create_c_from_string(
      String text, int flags, String[] cflags, int ncflags, boolean allowRlimit, String devName);

  void bpf_module_destroy(Pointer module);

  String bpf_module_license(Pointer module);

  int bpf_module_kern_version(Pointer module);

  Pointer bpf_function_start(Pointer module, String name);

  long bpf_function_size(Pointer module, String name);

  int bpf_table_fd(Pointer module, String name);

  long bpf_num_tables(Pointer module);

  String bpf_table_name(Pointer module, long id);

  int bpf_table_fd_id(Pointer module, long id);

  int bcc_func_load(Pointer module, int progType, String name, Pointer insns, int progLen,
      String license, int kernVersion, int logLevel, byte[] logBuf, int logBufSize, String devName,
      int attachType);

  /** Returns the perf event fd that holds the attachment: closing it detaches the program. */
  int bpf_attach_tracepoint(int progFd, String category, String name);

  /** Returns the fd of the raw-tracepoint link: closing it detaches the program. */
  int bpf_attach_raw_tracepoint(int progFd, String name);

  /** Lazily loaded so that merely touching this interface never dlopens LLVM. */
  final class Holder {
    static final LibBcc INSTANCE = Native.load(SONAME, LibBcc.class);

    private Holder() {}
  }
}
