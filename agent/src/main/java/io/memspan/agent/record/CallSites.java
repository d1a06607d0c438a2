package io.memspan.agent.record;

import io.memspan.agent.op.CallSite;

/** The first stack frame outside the JDK and memspan: the application line that made it grow. */
final class CallSites {
  private static final StackWalker WALKER = StackWalker.getInstance();

  private CallSites() {}

  static CallSite current() {
    return WALKER.walk(frames -> frames
        .filter(f -> !isInfrastructure(f.getClassName()))
        .findFirst()
        .map(f -> new CallSite(f.getClassName(), f.getMethodName(),
            f.getFileName() == null ? "" : f.getFileName(), f.getLineNumber()))
        .orElse(CallSite.UNKNOWN));
  }

  static boolean isInfrastructure(String className) {
    return className.startsWith("java.") || className.startsWith("javax.")
        || className.startsWith("jdk.") || className.startsWith("sun.")
        || className.startsWith("com.sun.") || className.startsWith("io.memspan.agent.")
        || className.startsWith("io.memspan.shaded.");
  }
}
