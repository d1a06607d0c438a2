package io.memspan.agent.op;

/** The first stack frame outside the JDK and memspan: the line of user code that made it grow. */
public record CallSite(String className, String methodName, String fileName, int lineNumber) {

  public static final CallSite UNKNOWN = new CallSite("", "", "", -1);

  /**
   * Not looked up: the thread had walked its stack for another structure moments before (see
   * {@code Recorder}); the structure is left out of the right-sizing advice, never guessed.
   */
  public static final CallSite NOT_SAMPLED = new CallSite("", "", "", -2);

  // Spelled out, not generated: a record's equals/hashCode are bootstrapped through
  // invokedynamic on first use (~100 ms), and the advisor's map lookups are on the poller's path.
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CallSite)) {
      return false;
    }
    CallSite c = (CallSite) o;
    return lineNumber == c.lineNumber && className.equals(c.className)
        && methodName.equals(c.methodName) && fileName.equals(c.fileName);
  }

  @Override
  public int hashCode() {
    return ((className.hashCode() * 31 + methodName.hashCode()) * 31 + fileName.hashCode()) * 31
        + lineNumber;
  }

  /** {@code code.function.name} in OTel semantic conventions: {@code com.acme.Foo.bar}. */
  public String functionName() {
    return className.isEmpty() ? methodName : className + "." + methodName;
  }
}
