package io.memspan.agent.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.SimpleRemapper;

/**
 * Weaves every built-in probe into this JDK's own class files (JDK 17 and 25 in CI) and checks
 * what the JVM would not: bootstrap classes are not verified, so a woven method that breaks the
 * stack-map rules would crash, not fail. Each woven class is verified by the JVM itself (renamed
 * out of {@code java.*}), with the hooks resolved on the test class path; WovenClassesVerifyIT
 * has the JVM verify the real retransformed classes in place.
 */
class ProbeWeavingTest {

  /**
   * Classes a renamed copy cannot stand in for: other JDK classes extend them (StringBuffer passes
   * itself as an AbstractStringBuilder; Buffer is sealed to its subclasses), so the copy fails
   * for reasons that are not the weaver's. WovenClassesVerifyIT verifies them in place.
   */
  private static final Set<String> RENAME_CANNOT_VERIFY =
      Set.of("java.lang.AbstractStringBuilder", "java.nio.ByteBuffer");

  @Test
  void everyProbeWeavesIntoThisJdkAndVerifies() throws Exception {
    int feature = Runtime.version().feature();
    for (ProbeSpec spec : Probes.builtIn()) {
      byte[] original = classFile(spec.typeName());
      ClassWeaver.Result r = ProbeInstaller.weaverOf(spec, getClass().getClassLoader())
          .weave(original);
      assertFalse(r.woven().isEmpty(), spec.name() + ": no variant found on Java " + feature);
      if (!RENAME_CANNOT_VERIFY.contains(spec.typeName())) {
        assertVerifiedByTheJvm(spec.typeName(), r.bytes());
      }

      for (ProbeSpec.Variant v : r.woven()) {
        MethodNode m = method(r.bytes(), v);
        List<String> calls = hookCalls(m);
        if (v.replacesCall()) {
          // the growth copy goes to the hook, which copies; nothing else in the method changes
          assertEquals(List.of(v.enter()), calls, spec.name());
          assertFalse(hasCall(m, v.replacedCall()), spec.name() + " still calls "
              + v.replacedCall());
          assertEquals(original(spec.typeName(), v).tryCatchBlocks.size(),
              m.tryCatchBlocks.size(), spec.name());
          continue;
        }
        int returns = count(m, Opcodes.IRETURN, Opcodes.RETURN);
        // enter once; exit before every return and once in the catch-all handler
        assertEquals(v.enter(), calls.get(0), spec.name());
        assertEquals(1 + returns + 1, calls.size(), spec.name() + ": " + calls);
        assertTrue(calls.subList(1, calls.size()).stream().allMatch(v.exit()::equals),
            spec.name() + ": " + calls);
        assertEquals(null, m.tryCatchBlocks.get(m.tryCatchBlocks.size() - 1).type,
            spec.name() + ": the catch-all must come last, after the JDK's own handlers");
      }
    }
  }

  @Test
  void stringBuildersGrowThroughTheMethodsOfTheirJdk() throws Exception {
    ProbeSpec sb = Probes.builtIn().stream().filter(s -> s.name().equals("StringBuilder"))
        .findFirst().orElseThrow();
    List<String> woven = new ArrayList<>();
    for (ProbeSpec.Variant v : ProbeInstaller.weaverOf(sb, getClass().getClassLoader())
        .weave(classFile(sb.typeName())).woven()) {
      woven.add(v.method());
    }
    List<String> expected = Runtime.version().feature() >= 21
        ? List.of("ensureCapacitySameCoder", "ensureCapacityNewCoder")
        : List.of("ensureCapacityInternal");
    assertEquals(expected.stream().sorted().toList(), woven.stream().sorted().toList());
  }

  @Test
  void aHookThatDoesNotFitTheMethodIsRefusedBeforeAnyCodeIsWritten() throws Exception {
    // HashMap's table is a Node[], its size an int: handing the size where the hook wants an
    // array must be refused, not woven (the JVM would not verify it).
    ProbeSpec wrong = ProbeSpec.of("HashMap", "java.util.HashMap",
        ProbeSpec.instance("resize", "()")
            .enter(Probes.HASH_HOOKS, "hashMapEnter", Load.self(), Load.field("size"),
                Load.field("threshold"), Load.field("size"))
            .exit("exit", Load.field("table")));
    ClassWeaver weaver = ProbeInstaller.weaverOf(wrong, getClass().getClassLoader());
    WeaveException e = assertThrows(WeaveException.class,
        () -> weaver.weave(classFile("java.util.HashMap")));
    assertTrue(e.getMessage().contains("parameter 1"), e.getMessage());

    ProbeSpec noField = ProbeSpec.of("HashMap", "java.util.HashMap",
        ProbeSpec.instance("resize", "()")
            .enter(Probes.HASH_HOOKS, "hashMapEnter", Load.self(), Load.field("tabel"),
                Load.field("threshold"), Load.field("size"))
            .exit("exit", Load.field("table")));
    e = assertThrows(WeaveException.class, () -> ProbeInstaller
        .weaverOf(noField, getClass().getClassLoader()).weave(classFile("java.util.HashMap")));
    assertTrue(e.getMessage().contains("no instance field tabel"), e.getMessage());
  }

  @Test
  void aMissingMethodIsNotWovenAndTheClassIsUnchangedInBehaviour() throws Exception {
    ProbeSpec absent = ProbeSpec.of("ArrayList", "java.util.ArrayList",
        ProbeSpec.instance("growTwice", "(I)")
            .enter(Probes.LIST_HOOKS, "arrayListEnter", Load.self(), Load.field("elementData"),
                Load.field("size"), Load.arg(0))
            .exit("exit", Load.field("elementData")));
    ClassWeaver weaver = ProbeInstaller.weaverOf(absent, getClass().getClassLoader());
    ClassWeaver.Result r = weaver.weave(classFile("java.util.ArrayList"));
    assertTrue(r.woven().isEmpty());

    // through the transformer, as the JVM calls it: the class is left as it is (null), and the
    // user reads one line however often the class is loaded or retransformed
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GrowthTransformer t = new GrowthTransformer(Map.of("java/util/ArrayList", weaver),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    byte[] original = classFile("java.util.ArrayList");
    for (int i = 0; i < 3; i++) {
      assertNull(t.transform(Object.class.getModule(), null, "java/util/ArrayList", null, null,
          original));
    }
    assertEquals("memspan: probe ArrayList skipped: java.util.ArrayList has no "
        + weaver.describe() + " on Java " + Runtime.version().feature() + "\n",
        out.toString(StandardCharsets.UTF_8));
    assertEquals(GrowthTransformer.Outcome.NO_METHOD, t.outcome("java/util/ArrayList"));
  }

  /**
   * The JVM does not verify bootstrap classes, and ASM's analyzer ignores stack-map frames: so the
   * woven class is renamed out of {@code java.*} and linked in a class loader of its own, where
   * HotSpot's type-checking verifier checks every method against its frames.
   */
  private void assertVerifiedByTheJvm(String typeName, byte[] woven) {
    String internal = typeName.replace('.', '/');
    String renamed = "woven/" + internal;
    ClassWriter w = new ClassWriter(0);
    new ClassReader(woven).accept(
        new ClassRemapper(w, new SimpleRemapper(Map.of(internal, renamed))), 0);
    byte[] bytes = w.toByteArray();
    ClassLoader loader = new ClassLoader(getClass().getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (!name.equals(renamed.replace('/', '.'))) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
      }
    };
    try {
      // Reflection links the class (verification included) without initializing it.
      Class.forName(renamed.replace('/', '.'), false, loader).getDeclaredMethods();
    } catch (VerifyError e) {
      throw new AssertionError(typeName + " does not verify after weaving: " + e.getMessage(), e);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new AssertionError(typeName + " could not be linked for verification: " + e, e);
    }
  }

  static byte[] classFile(String typeName) throws IOException {
    try (InputStream in = Object.class.getModule()
        .getResourceAsStream(typeName.replace('.', '/') + ".class")) {
      if (in != null) {
        return in.readAllBytes();
      }
    }
    try (InputStream in = ClassLoader.getSystemResourceAsStream(
        typeName.replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  private static MethodNode method(byte[] classFile, ProbeSpec.Variant v) {
    ClassNode c = new ClassNode();
    new ClassReader(classFile).accept(c, 0);
    return c.methods.stream()
        .filter(m -> v.matches(m.name, m.desc, (m.access & Opcodes.ACC_STATIC) != 0))
        .findFirst().orElseThrow();
  }

  private static MethodNode original(String typeName, ProbeSpec.Variant v) throws IOException {
    return method(classFile(typeName), v);
  }

  private static boolean hasCall(MethodNode m, String call) {
    for (AbstractInsnNode insn : m.instructions) {
      if (insn instanceof MethodInsnNode c
          && call.equals(c.owner + "." + c.name + c.desc)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> hookCalls(MethodNode m) {
    List<String> calls = new ArrayList<>();
    for (AbstractInsnNode insn : m.instructions) {
      if (insn instanceof MethodInsnNode call && call.owner.startsWith("io/memspan/agent/boot/")) {
        calls.add(call.name);
      }
    }
    return calls;
  }

  private static int count(MethodNode m, int fromOpcode, int toOpcode) {
    int n = 0;
    for (AbstractInsnNode insn : m.instructions) {
      if (insn.getOpcode() >= fromOpcode && insn.getOpcode() <= toOpcode) {
        n++;
      }
    }
    return n;
  }
}
