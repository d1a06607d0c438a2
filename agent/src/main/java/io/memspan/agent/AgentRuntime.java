package io.memspan.agent;

import io.memspan.agent.account.AgentMetrics;
import io.memspan.agent.account.IdleAccounting;
import io.memspan.agent.advisor.Advisor;
import io.memspan.agent.advisor.SummaryTable;
import io.memspan.agent.boot.MemspanHooks;
import io.memspan.agent.config.AgentConfig;
import io.memspan.agent.export.Telemetry;
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
  private volatile MemoryProbe probe;

  private AgentRuntime(AgentConfig config, Settings settings, ThreadGroup group) {
    this.config = config;
    this.group = group;
    this.settings = settings;
    this.recorder = new Recorder(group, settings.slowMicros(), settings.sampleRate(),
        settings.spansPerSecond(), RING_PER_THREAD);
    this.poller = new Poller(recorder, metrics, new Advisor(MAX_SITES, MAX_STRUCTURES),
        new IdleAccounting(), TimeUnit.SECONDS.toNanos(settings.adviceIntervalSeconds()));
  }

  /**
   * Runs on the {@code memspan-start} thread. Inlining the probes needs ByteBuddy (about a
   * thousand classes to load: hundreds of ms), so premain does not wait for it unless
   * {@code memspan.instrument=premain}; ops that happen before the probes are in are not seen.
   */
  static void start(Instrumentation inst, AgentConfig config, Settings settings, Class<?> hooks,
      ThreadGroup group) {
    AgentRuntime rt = new AgentRuntime(config, settings, group);
    Runtime.getRuntime().addShutdownHook(new Thread(rt.group, rt::shutdown, "memspan-shutdown"));
    rt.daemon("memspan-kernel-start", rt::startKernelSource).start();
    rt.instrument(inst, hooks);
  }

  private void instrument(Instrumentation inst, Class<?> hooks) {
    try {
      List<String> installed = new ProbeInstaller(inst, System.err).install(Probes.builtIn(), hooks);
      if (installed.isEmpty()) {
        System.err.println("memspan: disabled: no probe could be installed");
        return;
      }
      MemspanHooks.install(recorder, settings.threshold());
      System.setProperty("memspan.probes.installed", String.join(",", installed));
      daemon("memspan-poller", poller).start();
      startExporter();
    } catch (Throwable e) {
      MemspanHooks.uninstall();
      System.err.println("memspan: disabled: could not install probes: " + e);
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
        return;
      }
      t.register(metrics);
      telemetry = t;
      poller.useTelemetry(t);
    } catch (Throwable e) {
      System.err.println("memspan: exporter not started: " + e.getMessage()
          + " (ops are still recorded and counted)");
    }
  }

  private void startKernelSource() {
    ProbeOptions options = ProbeOptions.defaults().withRingBytes(settings.ringBytes());
    KernelSource.Choice choice = KernelSource.choose(settings.kernel(),
        new MemoryProbeFactory(options));
    probe = choice.probe();
    recorder.useProbe(choice.probe());
    System.err.println(choice.line());
    System.setProperty("memspan.kernel.source", choice.probe().source());
  }

  private void shutdown() {
    try {
      MemspanHooks.uninstall();
      poller.stopAndFlush(2000);
      Advisor advisor = poller.advisor();
      var advice = advisor.advice();
      Telemetry t = telemetry;
      if (t != null) {
        if (!advice.isEmpty()) {
          t.emitAdvice(advice);
        }
        t.close();
      }
      if (settings.summary()) {
        System.err.print(SummaryTable.format(advice, 20));
      }
      long dropped = metrics.opsDroppedQueueFull.get() + metrics.opsDroppedSpanCap.get()
          + metrics.spansRejectedByExporter.get();
      if (dropped > 0 || metrics.kernelRecordsLost.get() > 0) {
        System.err.println("memspan: not exported: " + metrics.opsDroppedSpanCap.get()
            + " ops over the span cap, " + metrics.opsDroppedQueueFull.get()
            + " ops on full queues, " + metrics.spansRejectedByExporter.get()
            + " spans refused by the exporter; " + metrics.kernelRecordsLost.get()
            + " kernel records lost");
      }
      MemoryProbe p = probe;
      if (p != null) {
        p.close();
      }
    } catch (Throwable e) {
      System.err.println("memspan: shutdown: " + e);
    }
  }
}
