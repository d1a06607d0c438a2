package io.memspan.agent.probe;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

/**
 * One probe: a JDK type, and the method shapes its growth takes across JDK versions. A variant
 * that does not exist on the running JDK is simply not used; a probe none of whose variants exist
 * is skipped with one warning.
 *
 * @param name what the startup warning calls it
 */
public record ProbeSpec(String name, String typeName, List<Variant> variants) {

  /** A method (exact name, parameter types and staticness) and the advice inlined into it. */
  public record Variant(String method, boolean isStatic, Class<?> advice, String... parameterTypes) {

    /** The method on the running JDK, or null. */
    public Method find(Class<?> type) {
      for (Method m : type.getDeclaredMethods()) {
        if (m.getName().equals(method) && Modifier.isStatic(m.getModifiers()) == isStatic
            && Arrays.equals(typeNames(m.getParameterTypes()), parameterTypes)) {
          return m;
        }
      }
      return null;
    }

    private static String[] typeNames(Class<?>[] types) {
      String[] out = new String[types.length];
      for (int i = 0; i < types.length; i++) {
        out[i] = types[i].getTypeName();
      }
      return out;
    }
  }

  static ProbeSpec of(String name, String typeName, Variant... variants) {
    return new ProbeSpec(name, typeName, List.of(variants));
  }

  static Variant instance(String method, Class<?> advice, String... parameterTypes) {
    return new Variant(method, false, advice, parameterTypes);
  }

  static Variant ofStatic(String method, Class<?> advice, String... parameterTypes) {
    return new Variant(method, true, advice, parameterTypes);
  }
}
