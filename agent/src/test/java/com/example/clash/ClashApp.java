package com.example.clash;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * An application that brings its own (older) Netty, OpenTelemetry SDK, ByteBuddy, ASM and JNA, and
 * prints which jar each came from and that each works. Run by
 * {@code io.memspan.agent.it.ClashingLibrariesIT} with and without the agent; its output must not
 * change. Outside {@code io.memspan}, so the agent attributes its list's growth to it.
 */
public final class ClashApp {
  private ClashApp() {}

  /** libc through the application's own JNA. */
  public interface CLib extends Library {
    int getpid();
  }

  public static void main(String[] args) throws Exception {
    ByteBuf buf = Unpooled.copiedBuffer("netty says hi", StandardCharsets.UTF_8);
    System.out.println("netty " + jarOf(Unpooled.class) + " " + buf.toString(StandardCharsets.UTF_8));

    SdkTracerProvider tracing = SdkTracerProvider.builder().build();
    Span span = tracing.get("clash").spanBuilder("work").startSpan();
    span.end();
    System.out.println("otel " + jarOf(SdkTracerProvider.class) + " span valid="
        + span.getSpanContext().isValid());
    tracing.close();

    Class<?> made = new ByteBuddy().subclass(Object.class).name("clash.Made").make()
        .load(ClashApp.class.getClassLoader()).getLoaded();
    System.out.println("bytebuddy " + jarOf(ByteBuddy.class) + " made " + made.getName());

    ClassWriter asm = new ClassWriter(0);
    asm.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, "clash/Written", null, "java/lang/Object", null);
    asm.visitEnd();
    System.out.println("asm " + jarOf(ClassWriter.class) + " wrote " + asm.toByteArray().length
        + " bytes");

    CLib libc = Native.load("c", CLib.class);
    System.out.println("jna " + jarOf(Native.class) + " getpid ok="
        + (libc.getpid() == ProcessHandle.current().pid()));

    List<Integer> list = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      list.add(i);
    }
    System.out.println("list " + list.size());
    Thread.sleep(Long.parseLong(args.length > 0 ? args[0] : "0"));

    // The same again after the pause: by now an agent's own JNA (memspan.kernel=rusage, opened
    // on a background thread at start) is certainly loaded and calling getrusage around these
    // growths, so both JNAs are in use in this JVM, one after the other on this thread.
    System.out.println("jna again getpid ok=" + (libc.getpid() == ProcessHandle.current().pid()));
    List<Integer> again = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      again.add(i);
    }
    System.out.println("list again " + again.size());
    // On stderr, which the test does not compare: which JNA native libraries this JVM has mapped
    // (its own, plus the agent's when the agent loaded JNA).
    System.err.println("jnidispatch mapped: " + mappedJnidispatch());
  }

  /**
   * Files in /proc/self/maps that are a JNA dispatch library: libjnidispatch.so from a library
   * path, or the copy JNA unpacks from its jar (jna&lt;digits&gt;.tmp, deleted once loaded).
   */
  private static List<String> mappedJnidispatch() throws Exception {
    return java.nio.file.Files.readAllLines(Path.of("/proc/self/maps")).stream()
        .filter(l -> l.indexOf('/') >= 0)
        .map(l -> l.substring(l.indexOf('/')).replace(" (deleted)", ""))
        .filter(f -> f.contains("jnidispatch") || f.matches(".*/jna-?[0-9]+\\.tmp"))
        .distinct().sorted().toList();
  }

  private static String jarOf(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName()
        .toString();
  }
}
