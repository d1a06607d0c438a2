package io.memspan.agent;

import io.memspan.agent.account.AgentMetrics;
import io.memspan.agent.account.ExitReport;
import io.memspan.agent.account.IdleAccounting;
import io.memspan.agent.advisor.Advisor;
import io.memspan.agent.advisor.SummaryTable;
import io.memspan.agent.boot.MemspanHooks;
import io.memspan.agent.config.AgentConfig;
import io.memspan.agent.config.ConfigKeys;
import io.memspan.agent.config.OtlpSettings;
import io.memspan.agent.export.Telemetry;
import io.memspan.agent.kernel.BackgroundPriority;
import io.memspan.agent.kernel.KernelSource;
import io.memspan.agent.kernel.MemoryProbeFactory;
import io.memspan.agent.probe.ProbeInstaller;
import io.memspan.agent.probe.Probes;
import io.memspan.agent.record.Poller;
import io.memspan.agent.record.Recorder;
import io.memspan.bpf.MemoryProbe;
import io.memspan.bpf.ProbeOptions;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Wires the agent once the hooks are on the bootstrap class path: probes inlined (hooks still
 * off), recorder installed, then the poller, the exporter and the kernel source started on
 * daemon threads of memspan's own thread group (whose threads are never recorded), and a
 * shutdown hook that flushes everything.
 */
final class AgentRuntime {
  private static final int RING_PER_THREAD = 256;
  private static final int MAX_SITES = 512;
  private static final int MAX_STRUCTURES = 16384;

  private final AgentConfig config;
  private final Settings settings;
  private final ThreadGroup group;
  private final Recorder recorder;
  private final AgentMetrics metrics = new AgentMetrics();
  private final Poller poller;
  private volatile Telemetry telemetry;
  /** A JVM that exits while the exporter is still starting waits for it, so its ops go out. */
  private final CountDownLatch exporterStarted = new CountDownLatch(1);
  private volatile MemoryProbe probe;
  /** Why no span is exported (traces exporter none, exporter not started), or null. */
  private volatile String spansOffBecause;
  /** Set by shutdown: a kernel source that becomes ready after it is closed, not published. */
  private boolean shuttingDown;

  private AgentRuntime(AgentConfig config, Settings settings, ThreadGroup group) {
    this.config = config;
    this.group = group;
    this.settings = settings;
    this.recorder = new Recorder(group, settings.slowMicros(), settings.sampleRate(),
        settings.spansPerSecond(), RING_PER_THREAD);
    this.poller = new Poller(recorder, metrics, new Advisor(MAX_SITES, MAX_STRUCTURES),
        new IdleAccounting(), TimeUnit.SECONDS.toNanos(settings.adviceIntervalSeconds()));
    if (!OtlpSettings.exported(config, OtlpSettings.Signal.TRACES)) {
      // known now, so that no kept op is ever held for a span
      spansOff(ConfigKeys.TRACES_EXPORTER + "=none");
    }
  }

  private void spansOff(String because) {
    spansOffBecause = because;
    poller.withoutSpanExport();
  }

  /**
   * Runs in premain. One background thread, {@code memspan-start}, then weaves the probes (plain
   * ASM: ~100-200 ms of interpreted work, mostly loading ASM itself), installs the recorder and
   * starts the poller, then the exporter, and last the kernel source, whose compile is the
   * costliest: each step in turn, so memspan never takes more than one of the application's
   * cores at start. With {@code memspan.instrument=premain} premain waits for the probes, so no op
   * of main is missed. No lambdas or string concatenation on this path: each links an
   * invokedynamic bootstrap that costs premain tens of milliseconds the first time.
   */
  static void start(Instrumentation inst, AgentConfig config, Settings settings, Class<?> hooks,
      ThreadGroup group) throws InterruptedException {
    CountDownLatch instrumented = new CountDownLatch(1);
    Thread starter = new Thread(group,
        new Starter(inst, config, settings, hooks, group, instrumented), "memspan-start");
    starter.setDaemon(true);
    starter.start();
    if (settings.instrumentInPremain()) {
      instrumented.await();
    }
  }

  /**
   * The {@code memspan-start} thread: builds the runtime (even that loads a few dozen classes, so
   * not in premain), then starts each part in turn.
   */
  private static final class Starter implements Runnable {
    private final Instrumentation inst;
    private final AgentConfig config;
    private final Settings settings;
    private final Class<?> hooks;
    private final ThreadGroup group;
    private final CountDownLatch instrumented;

    Starter(Instrumentation inst, AgentConfig config, Settings settings, Class<?> hooks,
        ThreadGroup group, CountDownLatch instrumented) {
      this.inst = inst;
      this.config = config;
      this.settings = settings;
      this.hooks = hooks;
      this.group = group;
      this.instrumented = instrumented;
    }

    @Override
    public void run() {
      AgentRuntime rt;
      try {
        rt = new AgentRuntime(config, settings, group);
        if (!rt.instrument(inst, hooks)) {
          return; // disabled, said why: nothing to flush at exit
        }
        Runtime.getRuntime().addShutdownHook(
            new Thread(group, new Shutdown(rt), "memspan-shutdown"));
      } catch (Throwable e) {
        System.err.println("memspan: disabled: could not start: " + e);
        return;
      } finally {
        instrumented.countDown();
      }
      rt.daemon("memspan-poller", rt.poller).start();
      try {
        rt.startExporter();
      } finally {
        rt.exporterStarted.countDown();
      }
      rt.startKernelSource();
    }
  }

  private static final class Shutdown implements Runnable {
    private final AgentRuntime rt;

    Shutdown(AgentRuntime rt) {
      this.rt = rt;
    }

    @Override
    public void run() {
      rt.shutdown();
    }
  }

  private boolean instrument(Instrumentation inst, Class<?> hooks) {
    try {
      List<String> installed = new ProbeInstaller(inst, System.err).install(Probes.builtIn(), hooks);
      if (installed.isEmpty()) {
        System.err.println("memspan: disabled: no probe could be installed");
        return false;
      }
      MemspanHooks.install(recorder, settings.threshold());
      System.setProperty("memspan.probes.installed", String.join(",", installed));
      return true;
    } catch (Throwable e) {
      MemspanHooks.uninstall();
      System.err.println("memspan: disabled: could not install probes: " + e);
      return false;
    }
  }

  private Thread daemon(String name, Runnable r) {
    Thread t = new Thread(group, r, name);
    t.setDaemon(true);
    return t;
  }

  private void startExporter() {
    try {
      Telemetry t = ExporterLookup.start(config);
      if (t == null) {
        spansOff("no exporter");
        return;
      }
      t.register(metrics);
      t.register(poller.advisor());
      telemetry = t;
      poller.useTelemetry(t);
    } catch (Throwable e) {
      spansOff("the exporter did not start");
      System.err.println("memspan: exporter not started: " + e.getMessage()
          + " (ops are still recorded and counted)");
    }
  }

  private void startKernelSource() {
    // libbcc's LLVM compile (~1 s of CPU) takes only CPU the application leaves idle, for its
    // first second; then it competes as before, or a CPU-bound application would never get the
    // probe. The only thread it starts is bpf's Cleaner for the slot map (used at close).
    KernelSource.Choice choice;
    // off and rusage open in microseconds: lowering would only load JNA (kernel=off needs none)
    try (BackgroundPriority.Lowered lowered = KernelSource.mayCompile(settings.kernel())
        ? BackgroundPriority.lowerCurrentThreadFor(1000) : BackgroundPriority.unchanged()) {
      ProbeOptions options = ProbeOptions.defaults().withRingBytes(settings.ringBytes())
          .withCache(settings.kernelCache());
      choice = KernelSource.choose(settings.kernel(), new MemoryProbeFactory(options));
    }
    synchronized (this) {
      if (shuttingDown) {
        choice.probe().close(); // the JVM is exiting: shutdown() has already said so
        return;
      }
      probe = choice.probe();
      recorder.useProbe(choice.probe());
    }
    System.err.println(choice.line());
    System.setProperty("memspan.kernel.source", choice.probe().source());
  }

  private void shutdown() {
    try {
      // One bound on the whole export at exit: the application's exit waits for it.
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.millis(
          ConfigKeys.EXPORT_SHUTDOWN_TIMEOUT, ConfigKeys.EXPORT_SHUTDOWN_TIMEOUT_DEFAULT));
      MemspanHooks.uninstall();
      if (recorder.anyOpBegun()) {
        // ops to send: give an exporter that is still starting the time a flush would get
        exporterStarted.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
      poller.stopAndFlush(2000);
      Advisor advisor = poller.advisor();
      var advice = advisor.advice();
      Telemetry t = telemetry;
      if (t != null) {
        if (!advice.isEmpty() && poller.exportsSpans()) {
          t.emitAdvice(advice);
        }
        t.closeBy(deadline);
      }
      if (settings.summary()) {
        System.err.print(SummaryTable.format(advice, 20));
      }
      String report = ExitReport.line(metrics, spansOffBecause);
      if (report != null) {
        System.err.println(report);
      }
      MemoryProbe p;
      synchronized (this) {
        shuttingDown = true;
        p = probe;
      }
      if (p != null) {
        p.close();
      } else if (!settings.kernel().equals("off")) {
        // It starts last, after the probes and the exporter: a short JVM can end first.
        System.err.println("memspan: kernel source not ready when the JVM exited (memspan.kernel="
            + settings.kernel() + "): every op was recorded without faults or syscalls");
      }
    } catch (Throwable e) {
      System.err.println("memspan: shutdown: " + e);
    }
  }
}
