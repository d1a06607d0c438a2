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

  /** This JVM's runtime once its probes are in: what {@code memspan detach} and a later attach act on. */
  private static volatile AgentRuntime running;
  private Class<?> hooks;
  private ProbeInstaller installer;
  /** Probes taken out by memspan detach (guarded by this). */
  private boolean detached;
  /** A kernel source is being opened on a background thread (guarded by this). */
  private boolean kernelStarting;

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
        running = rt;
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
      if (rt.claimKernelStart()) {
        rt.startKernelSource();
      }
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
    this.hooks = hooks;
    this.installer = new ProbeInstaller(inst, System.err);
    try {
      List<String> installed = installer.install(Probes.builtIn(), hooks);
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
      metrics.refreshBeforeCollect(poller::accountIdleBeforeExport);
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
      kernelStarting = false;
      if (shuttingDown || detached) {
        // exiting (shutdown() has already said so), or detached: a later attach opens a new one
        choice.probe().close();
        return;
      }
      probe = choice.probe();
      recorder.useProbe(choice.probe());
      poller.watchDrainRequests(choice.probe());
    }
    System.err.println(choice.line());
    System.setProperty("memspan.kernel.source", choice.probe().source());
  }

  /**
   * {@code memspan detach}: no new op begins, the JDK classes get their own code back, and the
   * kernel source is closed (its tracepoints detached, so the process's page faults no longer run
   * memspan's program). Ops in flight still end and are exported with everything recorded so far;
   * the agent's threads stay, idle, for a later attach. Returns the line to print.
   */
  static String detach() {
    AgentRuntime rt = running;
    return rt == null ? "memspan: detach: the agent is not running in this JVM (nothing to detach)"
        : rt.detachProbes();
  }

  /** A later attach to a JVM whose agent was detached: the probes go back in. */
  static String reattach() {
    AgentRuntime rt = running;
    return rt == null ? null : rt.reattachProbes();
  }

  private synchronized String detachProbes() {
    if (detached) {
      return "memspan: detach: already detached";
    }
    if (shuttingDown) {
      return "memspan: detach: the JVM is exiting";
    }
    MemspanHooks.pause();
    int restored = installer.remove();
    detached = true;
    System.clearProperty("memspan.probes.installed");
    MemoryProbe p = probe;
    String kernel = "";
    if (p != null && !p.source().equals("none")) {
      probe = null;
      recorder.useProbe(null);
      poller.retireProbe(p);
      p.close();
      kernel = ", kernel source " + p.source() + " closed";
      System.clearProperty("memspan.kernel.source");
    }
    return "memspan: detached: " + restored + " JDK classes run their own code again" + kernel
        + "; memspan attach puts the probes back";
  }

  private synchronized String reattachProbes() {
    if (!detached) {
      return "memspan: already running in this JVM; ignoring the second start";
    }
    List<String> installed = installer.install(Probes.builtIn(), hooks);
    if (installed.isEmpty()) {
      return "memspan: attach: no probe could be installed again (still detached)";
    }
    detached = false;
    MemspanHooks.install(recorder, settings.threshold());
    System.setProperty("memspan.probes.installed", String.join(",", installed));
    if (claimKernelStart()) {
      daemon("memspan-kernel", this::startKernelSource).start();
    }
    return "memspan: attached again: probes " + String.join(",", installed)
        + " (the settings of the first start apply)";
  }

  /** Whether the caller is to open a kernel source: none is open or being opened. */
  private synchronized boolean claimKernelStart() {
    if (kernelStarting || probe != null || shuttingDown || detached) {
      return false;
    }
    kernelStarting = true;
    return true;
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
      boolean wasDetached;
      synchronized (this) {
        shuttingDown = true;
        p = probe;
        wasDetached = detached;
      }
      if (p != null) {
        p.close();
      } else if (!settings.kernel().equals("off") && !wasDetached) {
        // It starts last, after the probes and the exporter: a short JVM can end first.
        System.err.println("memspan: kernel source not ready when the JVM exited (memspan.kernel="
            + settings.kernel() + "): every op was recorded without faults or syscalls");
      }
    } catch (Throwable e) {
      System.err.println("memspan: shutdown: " + e);
    }
  }
}
