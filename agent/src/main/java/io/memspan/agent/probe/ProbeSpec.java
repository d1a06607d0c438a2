package io.memspan.agent.probe;

import java.util.List;

/**
 * One probe: a JDK type, and the method shapes its growth takes across JDK versions. A variant
 * that does not exist on the running JDK is simply not used; a probe none of whose variants exist
 * is skipped with one warning.
 *
 * @param name what the startup warning calls it
 * @param typeName the JDK class, binary name
 */
public record ProbeSpec(String name, String typeName, List<Variant> variants) {

  /**
   * A method (exact name, parameter descriptor and staticness) and the hooks woven into it: at
   * entry {@code long enter(enterLoads...)}, before every return and on every throw
   * {@code void exit(exitLoads..., long opId)}. Or, when {@code replacedCall} is set, only that
   * call inside the method is replaced by {@code enter(the call's arguments..., enterLoads...)},
   * which makes the call itself: for methods run on every append or write, where wrapping the
   * whole method would grow the JDK's compiled code past what the JIT inlines into its callers.
   *
   * @param parameters the parameter descriptor, e.g. {@code "(I)"}; the return type is not matched
   * @param hooks binary name of the bootstrap class holding both hook methods
   * @param replacedCall {@code owner.name(descriptor)} of the call to replace, or null
   */
  public record Variant(String method, String parameters, boolean isStatic, String hooks,
      String enter, List<Load> enterLoads, String exit, List<Load> exitLoads,
      String replacedCall) {

    boolean matches(String name, String descriptor, boolean staticMethod) {
      return method.equals(name) && isStatic == staticMethod && descriptor.startsWith(parameters);
    }

    String describe() {
      return method + parameters;
    }

    boolean replacesCall() {
      return replacedCall != null;
    }
  }

  static ProbeSpec of(String name, String typeName, Variant... variants) {
    return new ProbeSpec(name, typeName, List.of(variants));
  }

  static Shape instance(String method, String parameters) {
    return new Shape(method, parameters, false);
  }

  static Shape ofStatic(String method, String parameters) {
    return new Shape(method, parameters, true);
  }

  /** A method shape waiting for its hooks: {@code instance("grow", "(I)").enter(...).exit(...)}. */
  record Shape(String method, String parameters, boolean isStatic) {
    Entered enter(String hooks, String enter, Load... loads) {
      return new Entered(this, hooks, enter, List.of(loads));
    }

    /** The call {@code owner.name(descriptor)} in this method goes to {@code hook} instead. */
    Variant replacingCall(String call, String hooks, String hook, Load... extra) {
      return new Variant(method, parameters, isStatic, hooks, hook, List.of(extra), null,
          List.of(), call);
    }
  }

  /** A shape with its enter hook: {@code .exit(name, loads...)} completes the variant. */
  record Entered(Shape shape, String hooks, String enter, List<Load> enterLoads) {
    Variant exit(String exit, Load... loads) {
      return new Variant(shape.method(), shape.parameters(), shape.isStatic(), hooks, enter,
          enterLoads, exit, List.of(loads), null);
    }
  }
}
