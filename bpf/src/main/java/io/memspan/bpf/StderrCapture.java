package io.memspan.bpf;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * libbcc prints clang's diagnostics on fd 2 and returns NULL with errno 0. To name the error of a
 * compile that failed, fd 2 goes to a memfd while it is repeated; afterwards everything captured
 * is written to the real stderr too, since other threads' output went to the memfd meanwhile and
 * must not be swallowed. Never used for a first compile (see {@code BccProgram.load}).
 */
final class StderrCapture implements AutoCloseable {
  /** MFD_CLOEXEC: a process forked meanwhile must not inherit the capture. */
  static final int MFD_CLOEXEC = 1;

  private final int savedStderr;
  private final int memfd;
  private boolean restored;

  private StderrCapture(int savedStderr, int memfd) {
    this.savedStderr = savedStderr;
    this.memfd = memfd;
  }

  static StderrCapture start() {
    int memfd = LibC.memfd_create("memspan-bcc-stderr", MFD_CLOEXEC);
    int saved = memfd < 0 ? -1 : LibC.dup(2);
    if (memfd < 0 || saved < 0 || LibC.dup2(memfd, 2) < 0) {
      if (memfd >= 0) {
        LibC.close(memfd);
      }
      if (saved >= 0) {
        LibC.close(saved);
      }
      return new StderrCapture(-1, -1);
    }
    return new StderrCapture(saved, memfd);
  }

  /** Restores fd 2, echoes what was captured to it, and returns the captured text. */
  String finish() {
    if (memfd < 0 || restored) {
      return "";
    }
    restore();
    String text;
    try {
      text = new String(Files.readAllBytes(Path.of("/proc/self/fd/" + memfd)), StandardCharsets.UTF_8);
    } catch (IOException e) {
      text = "";
    }
    if (!text.isEmpty()) {
      try {
        FileOutputStream err = new FileOutputStream(FileDescriptor.err);
        err.write(text.getBytes(StandardCharsets.UTF_8));
        err.flush();
      } catch (IOException e) {
        // stderr is gone; nothing to do
      }
    }
    return text;
  }

  private void restore() {
    restored = true;
    LibC.dup2(savedStderr, 2);
    LibC.close(savedStderr);
  }

  @Override
  public void close() {
    if (memfd >= 0) {
      if (!restored) {
        restore();
      }
      LibC.close(memfd);
    }
  }
}
