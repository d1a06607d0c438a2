package io.memspan.collector;

import io.memspan.collector.ops.Log;
import io.memspan.collector.ops.Metrics;
import io.memspan.collector.receive.BodyBudget;
import io.memspan.collector.receive.EventLoops;
import io.memspan.collector.receive.GrpcReceiver;
import io.memspan.collector.receive.HttpReceiver;
import io.memspan.collector.receive.Ingest;
import io.memspan.collector.receive.TokenCheck;
import io.memspan.collector.spool.SinkDispatcher;
import io.memspan.collector.spool.Spool;
import io.memspan.collector.spool.SpoolSink;
import io.memspan.collector.store.EmbeddedStore;
import io.memspan.collector.ui.UiServer;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running collector: the one place where receivers, spool, sinks and page are wired together.
 * Start order makes {@code /healthz} answer at once and {@code /readyz} only once the spool is
 * recovered; {@link #close} is the clean shutdown (stop accepting, finish acks, flush sinks).
 */
public final class Collector implements AutoCloseable {
  private static final long SINK_DRAIN_MILLIS = 2_000;

  private final CollectorConfig config;
  private final Metrics metrics = new Metrics();
  private final EventLoops loops;
  private final DefaultEventExecutorGroup decoders;
  private final Ingest ingest;
  private final HttpReceiver http;
  private final GrpcReceiver grpc;
  private final Spool spool;
  private final EmbeddedStore store;
  private final List<SinkDispatcher> dispatchers = new ArrayList<>();
  private final UiServer ui;
  private boolean closed;

  private Collector(CollectorConfig config, BodyBudget bodies) throws IOException, InterruptedException {
    this.config = config;
    Deque<AutoCloseable> started = new ArrayDeque<>(); // stopped again, newest first, if a later step fails
    try {
      int cores = Runtime.getRuntime().availableProcessors();
      loops = new EventLoops(Math.max(2, cores));
      started.push(loops);
      decoders = new DefaultEventExecutorGroup(Math.max(2, cores), new DefaultThreadFactory("collector-decode", true));
      started.push(() -> decoders.shutdownGracefully(0, 1, TimeUnit.SECONDS));
      ingest = new Ingest(metrics, config.maxBodyBytes(), bodies);
      TokenCheck token = new TokenCheck(config.token());
      HttpReceiver.Settings settings = new HttpReceiver.Settings(config.http(), config.requestTimeoutMillis(),
          CollectorConfig.IDLE_CONNECTION_MILLIS);
      http = new HttpReceiver(loops, decoders, settings, ingest, token, metrics);
      started.push(http);
      grpc = new GrpcReceiver(loops, decoders, new HttpReceiver.Settings(config.grpc(), config.requestTimeoutMillis(),
          CollectorConfig.IDLE_CONNECTION_MILLIS), ingest, token);
      started.push(grpc);

      spool = Spool.open(config.spoolDir(), config.spoolMaxBytes(), Spool.defaultSegmentBytes(config.spoolMaxBytes()), metrics);
      started.push(spool);
      ingest.ready(spool);

      // Without a page (--ui off) there is no one to read the store: a pure forwarding sidecar.
      store = config.ui() == null ? null : new EmbeddedStore(config.storeCapacity(), metrics);
      if (store != null) {
        // The store lives in memory: it is refilled from the oldest spooled record at every start.
        dispatchers.add(new SinkDispatcher(spool, store, metrics, false));
      }
      for (SpoolSink forwarder : Sinks.forwarders(config, metrics)) {
        dispatchers.add(new SinkDispatcher(spool, forwarder, metrics, true));
      }
      dispatchers.forEach(SinkDispatcher::start);
      dispatchers.forEach(d -> started.push(() -> d.stop(0)));

      if (config.ui() != null) {
        ui = new UiServer(config.ui(), store, config.token());
        ui.start();
      } else {
        ui = null;
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      for (AutoCloseable c : started) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** Starts a collector. */
  public static Collector start(CollectorConfig config) throws IOException, InterruptedException {
    return new Collector(config, BodyBudget.forHeap());
  }

  /** Starts a collector whose request bodies together may hold at most {@code bodies} (tests). */
  static Collector start(CollectorConfig config, BodyBudget bodies) throws IOException, InterruptedException {
    return new Collector(config, bodies);
  }

  public InetSocketAddress httpAddress() {
    return http.localAddress();
  }

  public InetSocketAddress grpcAddress() {
    return grpc.localAddress();
  }

  public InetSocketAddress uiAddress() {
    return ui == null ? null : ui.address();
  }

  public Metrics metrics() {
    return metrics;
  }

  /** The embedded store, or null with {@code --ui off}. */
  public EmbeddedStore store() {
    return store;
  }

  public Spool spool() {
    return spool;
  }

  static String hostPort(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** Logs the bound addresses and writes them to the ports file (atomically), if one was asked for. */
  void announce() throws IOException {
    String ui = uiAddress() == null ? "off" : hostPort(uiAddress());
    Log.info("listening", "http", hostPort(httpAddress()), "grpc", hostPort(grpcAddress()), "ui", ui,
        "spool", config.spoolDir(), "sinks", dispatchers.size());
    if (config.portsFile() != null) {
      Path f = config.portsFile().toAbsolutePath();
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      Files.writeString(tmp, "http=" + hostPort(httpAddress()) + "\ngrpc=" + hostPort(grpcAddress())
          + "\nui=" + ui + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Clean shutdown: stop accepting, let requests already being handled get their acknowledgement,
   * close the spool (everything accepted is fsynced), give sinks a moment to flush, stop.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Log.info("shutdown", "in_flight", ingest.inFlight());
    http.close();
    grpc.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (ingest.inFlight() > 0 && System.nanoTime() < deadline) {
      sleep(10);
    }
    spool.close();
    sleep(100); // let the event loops flush the last acknowledgements
    http.closeConnections();
    grpc.closeConnections();
    for (SinkDispatcher d : dispatchers) {
      d.stop(SINK_DRAIN_MILLIS);
    }
    if (ui != null) {
      ui.close();
    }
    decoders.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    loops.close();
    Log.info("stopped");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
