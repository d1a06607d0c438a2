package io.memspan.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** libbcc's NULL-with-errno-0 never reaches a user bare; capturing its stderr loses nothing. */
class CompileFailureTest {
  private static final String[] FLAGS = {"-DMEMSPAN_SLOT_BITS=12"};

  @Test
  void noOutputAndNoErrnoNamesWhatWasCheckedAndTheLikelyCauses() {
    String m = BccProgram.compileFailure("", 0, FLAGS);
    assertFalse(m.contains("errno 0"), m);
    assertFalse(m.contains("Success"), m);
    assertTrue(m.contains("kernel headers for " + BccPreflight.kernelRelease()), m);
    assertTrue(m.contains("Likely causes"), m);
    assertTrue(m.contains("-DMEMSPAN_SLOT_BITS=12"), m);
  }

  @Test
  void compilerOutputOrARealErrnoIsReportedAsIs() {
    assertTrue(BccProgram.compileFailure("x.c:1:1: error: bad\n", 0, FLAGS)
        .endsWith("x.c:1:1: error: bad"));
    String m = BccProgram.compileFailure(" ", 12, FLAGS);
    assertTrue(m.endsWith("Cannot allocate memory (errno 12)"), m);
  }

  @Test
  void capturedTextIsEchoedToTheRealStderrAndTheMemfdIsCloseOnExec() throws Exception {
    int outer = LibC.memfd_create("memspan-test-stderr", 0);
    int saved = LibC.dup(2);
    assertTrue(outer >= 0 && saved >= 0, LibC.lastError());
    try {
      assertEquals(2, LibC.dup2(outer, 2));
      String captured;
      try (StderrCapture capture = StderrCapture.start()) {
        List<String> fds = Files.list(Path.of("/proc/self/fd")).map(p -> p.getFileName().toString())
            .toList();
        boolean cloexec = false;
        for (String fd : fds) {
          try {
            if (Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString()
                .contains("memspan-bcc-stderr")) {
              String flags = Files.readAllLines(Path.of("/proc/self/fdinfo", fd)).stream()
                  .filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
              cloexec = (Integer.parseInt(flags.substring(6).trim(), 8) & 02000000) != 0;
            }
          } catch (java.io.IOException gone) {
            // the listing's own fd
          }
        }
        assertTrue(cloexec, "the capture memfd has O_CLOEXEC");
        Thread other = new Thread(() -> {
          try {
            FileOutputStream err = new FileOutputStream(FileDescriptor.err);
            err.write("another thread's line\n".getBytes(StandardCharsets.UTF_8));
            err.flush();
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        });
        other.start();
        other.join();
        captured = capture.finish();
      }
      assertEquals("another thread's line\n", captured);
      String real = Files.readString(Path.of("/proc/self/fd/" + outer));
      assertEquals("another thread's line\n", real, "echoed after fd 2 was restored");
    } finally {
      LibC.dup2(saved, 2);
      LibC.close(saved);
      LibC.close(outer);
    }
  }
}
