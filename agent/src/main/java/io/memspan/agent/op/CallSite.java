package io.memspan.agent.op;

/** The first stack frame outside the JDK and memspan: the line of user code that made it grow. */
public record CallSite(String className, String methodName, String fileName, int lineNumber) {

  public static final CallSite UNKNOWN = new CallSite("", "", "", -1);

  /** {@code code.function.name} in OTel semantic conventions: {@code com.acme.Foo.bar}. */
  public String functionName() {
    return className.isEmpty() ? methodName : className + "." + methodName;
  }
}
