package io.memspan.agent.probe;

/**
 * One value the woven code hands a hook: what the advice needs from inside the JDK method, whose
 * fields are private to it. The weaver checks each against the hook's parameter type before it
 * writes a single instruction (bootstrap classes are not verified: a mismatch would not be caught
 * by the JVM).
 */
public sealed interface Load {

  /** {@code this}. */
  record Self() implements Load {}

  /**
   * {@code this.getClass()}: the type without the object. A hook woven into a method that C2
   * inlines into its caller (the growth copy inside every append) must not receive {@code this}:
   * that makes a builder escape which otherwise lives in registers (scalar replaced), and every
   * append then goes to memory (JMH, 100,000 appends to a local builder: 6,100 to 2,400 ops/s).
   */
  record SelfClass() implements Load {}

  /** A field of {@code this}, by name (its type is read from the class being woven). */
  record Field(String name) implements Load {}

  /** The method's argument {@code index} (0 = first declared parameter). */
  record Arg(int index) implements Load {}

  /** The method's return value; {@code null} when the method throws. Exit hooks only, first. */
  record Returned() implements Load {}

  static Load self() {
    return new Self();
  }

  static Load selfClass() {
    return new SelfClass();
  }

  static Load field(String name) {
    return new Field(name);
  }

  static Load arg(int index) {
    return new Arg(index);
  }

  static Load returned() {
    return new Returned();
  }
}
