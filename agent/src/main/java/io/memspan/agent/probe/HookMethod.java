package io.memspan.agent.probe;

import java.lang.reflect.Method;
import org.objectweb.asm.Type;

/**
 * A hook as the woven code calls it: owner, name, descriptor. Resolved by reflection on the
 * bootstrap copy of the hook class, so the descriptor is the one the JVM will link against.
 */
record HookMethod(String owner, String name, String descriptor) {

  /** @param loader where the hook classes are: the bootstrap loader (null) in the agent */
  static HookMethod resolve(String hooksClass, String name, ClassLoader loader)
      throws ReflectiveOperationException {
    Class<?> hooks = Class.forName(hooksClass, false, loader);
    for (Method m : hooks.getMethods()) {
      if (m.getName().equals(name) && m.getDeclaringClass() == hooks) {
        return new HookMethod(Type.getInternalName(hooks), name, Type.getMethodDescriptor(m));
      }
    }
    throw new NoSuchMethodException(hooksClass + "." + name);
  }

  Type[] parameters() {
    return Type.getArgumentTypes(descriptor);
  }

  Type returns() {
    return Type.getReturnType(descriptor);
  }
}
