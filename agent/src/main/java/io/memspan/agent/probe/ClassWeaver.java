package io.memspan.agent.probe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.MethodNode;

/**
 * Weaves a probe's variants into one class file. Only the probed methods are parsed into a tree
 * and rewritten; every other method is copied byte for byte by ASM ({@code ClassWriter} built on
 * the {@code ClassReader}), which keeps weaving HashMap or ConcurrentHashMap to a few hundred
 * microseconds even while ASM itself still runs interpreted in premain.
 */
final class ClassWeaver {
  private final ProbeSpec spec;
  private final Map<ProbeSpec.Variant, HookMethod[]> hooks;

  /** @param hooks per variant: its enter and exit hook */
  ClassWeaver(ProbeSpec spec, Map<ProbeSpec.Variant, HookMethod[]> hooks) {
    this.spec = spec;
    this.hooks = hooks;
  }

  /** The class file woven, and which variants were found in it. */
  record Result(byte[] bytes, List<ProbeSpec.Variant> woven) {}

  Result weave(byte[] classFile) {
    ClassReader reader = new ClassReader(classFile);
    ClassWriter writer = new ClassWriter(reader, 0);
    List<ProbeSpec.Variant> woven = new ArrayList<>();
    Map<String, String> fields = new HashMap<>();
    String owner = reader.getClassName();
    reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
      @Override
      public FieldVisitor visitField(int access, String name, String descriptor, String signature,
          Object value) {
        if ((access & Opcodes.ACC_STATIC) == 0) {
          fields.put(name, descriptor);
        }
        return super.visitField(access, name, descriptor, signature, value);
      }

      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor,
          String signature, String[] exceptions) {
        MethodVisitor out = super.visitMethod(access, name, descriptor, signature, exceptions);
        ProbeSpec.Variant variant = find(name, descriptor, (access & Opcodes.ACC_STATIC) != 0);
        if (variant == null || (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
          return out;
        }
        woven.add(variant);
        HookMethod[] h = hooks.get(variant);
        return new MethodNode(Opcodes.ASM9, access, name, descriptor, signature, exceptions) {
          @Override
          public void visitEnd() {
            new MethodWeaver(owner, fields, variant, h[0], h[1]).weave(this);
            accept(out);
          }
        };
      }
    }, ClassReader.EXPAND_FRAMES);
    return new Result(writer.toByteArray(), woven);
  }

  ProbeSpec spec() {
    return spec;
  }

  /** The method shapes looked for, for a warning: {@code grow(I) or ...}. */
  String describe() {
    StringBuilder sb = new StringBuilder();
    for (ProbeSpec.Variant v : spec.variants()) {
      if (sb.length() > 0) {
        sb.append(" or ");
      }
      sb.append(v.describe());
    }
    return sb.toString();
  }

  private ProbeSpec.Variant find(String name, String descriptor, boolean isStatic) {
    for (ProbeSpec.Variant v : spec.variants()) {
      if (v.matches(name, descriptor, isStatic)) {
        return v;
      }
    }
    return null;
  }
}
