package io.memspan.agent.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Weaves one probe into one JDK method, as try/finally around its body:
 *
 * <pre>
 *   long opId = Hooks.enter(loads...);          // a new local after the method's own
 *   try { body } finally { Hooks.exit(loads..., opId); }
 * </pre>
 *
 * The finally is written out before every return and once as a catch-all handler that rethrows,
 * so the recorder sees the end of every op it began, however the method leaves; the handler
 * covers the JDK's code, not the exit calls themselves (as javac writes a finally). The inserted code
 * has no branches; the only new stack-map frame is the handler's, and every existing frame gains
 * the new local (frames arrive expanded, {@code ClassReader.EXPAND_FRAMES}). Nothing is computed
 * by ASM (no {@code COMPUTE_FRAMES}, which would need to load classes while the JDK is being
 * transformed).
 */
final class MethodWeaver {
  /** Enough for the largest load list (5 values, two of them possibly long) plus opId and a dup. */
  private static final int EXTRA_STACK = 16;

  private final String owner;
  private final Map<String, String> fieldDescriptors;
  private final ProbeSpec.Variant variant;
  private final HookMethod enter;
  private final HookMethod exit;

  MethodWeaver(String owner, Map<String, String> fieldDescriptors, ProbeSpec.Variant variant,
      HookMethod enter, HookMethod exit) {
    this.owner = owner;
    this.fieldDescriptors = fieldDescriptors;
    this.variant = variant;
    this.enter = enter;
    this.exit = exit;
  }

  void weave(MethodNode m) {
    if (variant.replacesCall()) {
      replaceCall(m);
      return;
    }
    boolean isStatic = (m.access & Opcodes.ACC_STATIC) != 0;
    Type[] args = Type.getArgumentTypes(m.desc);
    Type returns = Type.getReturnType(m.desc);
    check(enter, variant.enterLoads(), args, returns, isStatic, Type.LONG_TYPE, false);
    check(exit, variant.exitLoads(), args, returns, isStatic, Type.VOID_TYPE, true);

    int opSlot = m.maxLocals;
    LabelNode bodyStart = new LabelNode();
    LabelNode bodyEnd = new LabelNode();
    LabelNode handler = new LabelNode();
    // The catch-all covers the JDK's code but not the exit calls written before its returns:
    // an exit that failed there would otherwise run again and turn a return into a throw.
    List<LabelNode> covered = new ArrayList<>();
    covered.add(bodyStart);

    for (AbstractInsnNode insn : m.instructions.toArray()) {
      if (insn instanceof FrameNode frame) {
        frame.local = withOpId(frame.local, opSlot);
      } else if (insn.getOpcode() >= Opcodes.IRETURN && insn.getOpcode() <= Opcodes.RETURN) {
        LabelNode exitStart = new LabelNode();
        LabelNode afterReturn = new LabelNode();
        InsnList exitCall = callExit(args, isStatic, opSlot, false);
        exitCall.insert(exitStart);
        m.instructions.insertBefore(insn, exitCall);
        m.instructions.insert(insn, afterReturn);
        covered.add(exitStart);
        covered.add(afterReturn);
      }
    }
    covered.add(bodyEnd);

    InsnList head = new InsnList();
    for (Load load : variant.enterLoads()) {
      head.add(load(load, args, isStatic, false));
    }
    head.add(call(enter));
    head.add(new VarInsnNode(Opcodes.LSTORE, opSlot));
    head.add(bodyStart);
    m.instructions.insert(head);

    InsnList tail = new InsnList();
    tail.add(bodyEnd);
    tail.add(handler);
    tail.add(new FrameNode(Opcodes.F_NEW, 0, null, 1, new Object[] {"java/lang/Throwable"}));
    ((FrameNode) tail.getLast()).local = withOpId(handlerLocals(args, isStatic), opSlot);
    tail.add(callExit(args, isStatic, opSlot, true));
    tail.add(new InsnNode(Opcodes.ATHROW));
    m.instructions.add(tail);
    // Last in the table: the method's own handlers keep precedence over the catch-all. A range
    // is only added where it covers code (a return at the very end leaves an empty one).
    for (int i = 0; i + 1 < covered.size(); i += 2) {
      if (hasCode(covered.get(i), covered.get(i + 1))) {
        m.tryCatchBlocks.add(new TryCatchBlockNode(covered.get(i), covered.get(i + 1), handler,
            null));
      }
    }

    m.maxLocals = opSlot + 2;
    m.maxStack += EXTRA_STACK;
  }

  /**
   * Replaces each call to {@code variant.replacedCall()} with the hook, which takes the call's
   * arguments (already on the stack) and then the variant's loads, and makes the call itself.
   * Nothing else in the method changes: no new local, frame or handler.
   */
  private void replaceCall(MethodNode m) {
    boolean isStatic = (m.access & Opcodes.ACC_STATIC) != 0;
    Type[] args = Type.getArgumentTypes(m.desc);
    String call = variant.replacedCall();
    int paren = call.indexOf('(');
    String callOwner = call.substring(0, call.lastIndexOf('.', paren));
    String callName = call.substring(call.lastIndexOf('.', paren) + 1, paren);
    String callDesc = call.substring(paren);
    Type[] callArgs = Type.getArgumentTypes(callDesc);
    Type[] hookParams = enter.parameters();
    if (hookParams.length != callArgs.length + variant.enterLoads().size()
        || !enter.returns().equals(Type.getReturnType(callDesc))) {
      throw new WeaveException(enter.name() + enter.descriptor() + " does not take " + call
          + "'s arguments and " + variant.enterLoads().size() + " values, returning the same");
    }
    for (int i = 0; i < callArgs.length; i++) {
      if (!callArgs[i].equals(hookParams[i])) {
        throw new WeaveException(enter.name() + " parameter " + i + " is " + hookParams[i]
            + ", the call passes " + callArgs[i]);
      }
    }
    for (int i = 0; i < variant.enterLoads().size(); i++) {
      Type actual = typeOf(variant.enterLoads().get(i), i, args, Type.VOID_TYPE, isStatic, false);
      if (!fits(actual, hookParams[callArgs.length + i])) {
        throw new WeaveException(enter.name() + " parameter " + (callArgs.length + i) + " is "
            + hookParams[callArgs.length + i] + ", the woven value is " + actual);
      }
    }
    int replaced = 0;
    for (AbstractInsnNode insn : m.instructions.toArray()) {
      if (insn instanceof MethodInsnNode c && c.getOpcode() == Opcodes.INVOKESTATIC
          && c.owner.equals(callOwner) && c.name.equals(callName) && c.desc.equals(callDesc)) {
        InsnList extra = new InsnList();
        for (Load load : variant.enterLoads()) {
          extra.add(load(load, args, isStatic, false));
        }
        extra.add(call(enter));
        m.instructions.insertBefore(c, extra);
        m.instructions.remove(c);
        replaced++;
      }
    }
    if (replaced == 0) {
      throw new WeaveException(m.name + m.desc + " has no call to " + call);
    }
    m.maxStack += EXTRA_STACK;
  }

  /** Whether any real instruction (not a label, line number or frame) lies between the two. */
  private static boolean hasCode(LabelNode from, LabelNode to) {
    for (AbstractInsnNode n = from.getNext(); n != null && n != to; n = n.getNext()) {
      if (n.getOpcode() >= 0) {
        return true;
      }
    }
    return false;
  }

  private InsnList callExit(Type[] args, boolean isStatic, int opSlot, boolean throwing) {
    InsnList out = new InsnList();
    for (Load load : variant.exitLoads()) {
      out.add(load(load, args, isStatic, throwing));
    }
    out.add(new VarInsnNode(Opcodes.LLOAD, opSlot));
    out.add(call(exit));
    return out;
  }

  private InsnList load(Load load, Type[] args, boolean isStatic, boolean throwing) {
    InsnList out = new InsnList();
    if (load instanceof Load.Self) {
      out.add(new VarInsnNode(Opcodes.ALOAD, 0));
    } else if (load instanceof Load.SelfClass) {
      out.add(new VarInsnNode(Opcodes.ALOAD, 0));
      out.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Object", "getClass",
          "()Ljava/lang/Class;", false));
    } else if (load instanceof Load.Field f) {
      out.add(new VarInsnNode(Opcodes.ALOAD, 0));
      out.add(new FieldInsnNode(Opcodes.GETFIELD, owner, f.name(),
          fieldDescriptors.get(f.name())));
    } else if (load instanceof Load.Arg a) {
      out.add(new VarInsnNode(args[a.index()].getOpcode(Opcodes.ILOAD),
          slotOf(args, isStatic, a.index())));
    } else {
      // On a normal return the value is on the stack, about to be returned: keep a copy.
      out.add(new InsnNode(throwing ? Opcodes.ACONST_NULL : Opcodes.DUP));
    }
    return out;
  }

  private static MethodInsnNode call(HookMethod h) {
    return new MethodInsnNode(Opcodes.INVOKESTATIC, h.owner(), h.name(), h.descriptor(), false);
  }

  private static int slotOf(Type[] args, boolean isStatic, int index) {
    int slot = isStatic ? 0 : 1;
    for (int i = 0; i < index; i++) {
      slot += args[i].getSize();
    }
    return slot;
  }

  /**
   * The handler's locals: {@code this} and the arguments the exit hook reads, everything else
   * unknown (TOP), so the frame holds at every instruction of the body whatever it stores.
   */
  private List<Object> handlerLocals(Type[] args, boolean isStatic) {
    List<Object> locals = new ArrayList<>();
    if (!isStatic) {
      locals.add(owner);
    }
    for (int i = 0; i < args.length; i++) {
      if (exitReadsArg(i)) {
        locals.add(frameType(args[i]));
      } else {
        for (int s = 0; s < args[i].getSize(); s++) {
          locals.add(Opcodes.TOP);
        }
      }
    }
    return locals;
  }

  private boolean exitReadsArg(int index) {
    for (Load load : variant.exitLoads()) {
      if (load instanceof Load.Arg a && a.index() == index) {
        return true;
      }
    }
    return false;
  }

  /** Pads a frame's locals with TOP up to the new slot and appends the op id (a long). */
  private static List<Object> withOpId(List<Object> locals, int opSlot) {
    List<Object> out = locals == null ? new ArrayList<>() : new ArrayList<>(locals);
    int slots = 0;
    for (Object t : out) {
      slots += t == Opcodes.LONG || t == Opcodes.DOUBLE ? 2 : 1;
    }
    if (slots > opSlot) {
      throw new WeaveException("a frame uses " + slots + " locals, the method declares " + opSlot);
    }
    for (; slots < opSlot; slots++) {
      out.add(Opcodes.TOP);
    }
    out.add(Opcodes.LONG);
    return out;
  }

  private static Object frameType(Type t) {
    switch (t.getSort()) {
      case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT:
        return Opcodes.INTEGER;
      case Type.FLOAT:
        return Opcodes.FLOAT;
      case Type.LONG:
        return Opcodes.LONG;
      case Type.DOUBLE:
        return Opcodes.DOUBLE;
      default:
        return t.getSort() == Type.ARRAY ? t.getDescriptor() : t.getInternalName();
    }
  }

  /**
   * Every load must fit the hook's parameter, in number and kind, and the hook must return what
   * the woven code expects: checked here because the JVM does not verify bootstrap classes.
   */
  private void check(HookMethod hook, List<Load> loads, Type[] args, Type returns,
      boolean isStatic, Type hookReturns, boolean exitHook) {
    Type[] params = hook.parameters();
    int expected = loads.size() + (exitHook ? 1 : 0);
    if (params.length != expected || !hook.returns().equals(hookReturns)) {
      throw new WeaveException(hook.name() + hook.descriptor() + " does not take " + expected
          + " values and return " + hookReturns);
    }
    if (exitHook && params[params.length - 1] != Type.LONG_TYPE) {
      throw new WeaveException(hook.name() + " must take the op id (long) last");
    }
    for (int i = 0; i < loads.size(); i++) {
      Load load = loads.get(i);
      Type actual = typeOf(load, i, args, returns, isStatic, exitHook);
      if (!fits(actual, params[i])) {
        throw new WeaveException(hook.name() + " parameter " + i + " is " + params[i]
            + ", the woven value is " + actual);
      }
    }
  }

  private Type typeOf(Load load, int position, Type[] args, Type returns, boolean isStatic,
      boolean exitHook) {
    if (load instanceof Load.Self) {
      if (isStatic) {
        throw new WeaveException("a static method has no this");
      }
      return Type.getObjectType(owner);
    }
    if (load instanceof Load.SelfClass) {
      if (isStatic) {
        throw new WeaveException("a static method has no this");
      }
      return Type.getType(Class.class);
    }
    if (load instanceof Load.Field f) {
      String d = fieldDescriptors.get(f.name());
      if (isStatic || d == null) {
        throw new WeaveException(owner + " has no instance field " + f.name());
      }
      return Type.getType(d);
    }
    if (load instanceof Load.Arg a) {
      if (a.index() < 0 || a.index() >= args.length) {
        throw new WeaveException("no argument " + a.index());
      }
      return args[a.index()];
    }
    if (!exitHook || position != 0 || returns.getSort() < Type.ARRAY) {
      throw new WeaveException("the returned value must be an object and the exit hook's first");
    }
    return returns;
  }

  /** Widening the JVM does by itself: int-like to int, any reference to Object, arrays alike. */
  static boolean fits(Type value, Type param) {
    if (param.getSort() == Type.INT) {
      return value.getSort() >= Type.BOOLEAN && value.getSort() <= Type.INT;
    }
    if (param.getSort() <= Type.DOUBLE) {
      return value.equals(param);
    }
    if (value.getSort() < Type.ARRAY) {
      return false;
    }
    if (param.getDescriptor().equals("Ljava/lang/Object;")) {
      return true;
    }
    if (param.getDescriptor().equals("[Ljava/lang/Object;")) {
      return value.getSort() == Type.ARRAY
          && (value.getDimensions() > 1 || value.getElementType().getSort() >= Type.ARRAY);
    }
    return value.equals(param);
  }
}
