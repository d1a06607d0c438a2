package io.memspan.collector;

import io.memspan.collector.forward.Forwarders;
import io.memspan.collector.ops.Log;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code memspan collector}: parses the command line, starts a {@link Collector}, runs until SIGTERM. */
@Command(name = "memspan collector", sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Runs the memspan collector in the foreground: an OTLP receiver (HTTP and gRPC) that "
            + "acknowledges a request only once it is fsynced into a durable spool, an embedded store "
            + "with a web page, and forwarders to an upstream OTLP endpoint and to Zipkin.",
        "Logs 'event=listening http=HOST:PORT grpc=HOST:PORT ui=HOST:PORT' once ready.", ""},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"143:stopped cleanly by SIGTERM (130 by SIGINT), the JVM's 128+signal convention", "1:failed to start (e.g. address in use)",
        "2:bad command line"})
public final class CollectorMain implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Option(names = "--http", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
      defaultValue = "127.0.0.1:4318", description = "OTLP/HTTP receiver, /metrics, /healthz, /readyz (default: ${DEFAULT-VALUE}; port 0 picks a free port)")
  InetSocketAddress http;

  @Option(names = "--grpc", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
      defaultValue = "127.0.0.1:4317", description = "OTLP/gRPC receiver (default: ${DEFAULT-VALUE})")
  InetSocketAddress grpc;

  @Option(names = "--ui", paramLabel = "HOST:PORT|off", converter = UiConverter.class,
      defaultValue = "127.0.0.1:16686", description = "web page and query API (default: ${DEFAULT-VALUE}); "
      + "'off' runs without the page and the embedded store (a pure forwarding sidecar)")
  InetSocketAddress ui;

  @Option(names = "--spool", paramLabel = "DIR",
      description = "spool directory (default: $MEMSPAN_SPOOL, else ./.memspan/spool)")
  Path spool;

  @Option(names = "--spool-max-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
      defaultValue = "1GiB", description = "size cap of the spool; the oldest segments are evicted beyond it, "
      + "and counted (default: ${DEFAULT-VALUE}; suffixes KiB, MiB, GiB)")
  long spoolMaxBytes;

  @Option(names = "--max-body-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
      defaultValue = "8MiB", description = "largest request body, also after gzip decompression; larger gets 413 / RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE})")
  long maxBodyBytes;

  @Option(names = "--request-timeout", paramLabel = "MILLIS", defaultValue = "10000",
      description = "a client must send a whole request within this many ms of its first byte (default: ${DEFAULT-VALUE})")
  long requestTimeoutMillis;

  @Option(names = "--upstream", paramLabel = "URL",
      description = "forward to this OTLP endpoint (repeatable), a base URL like http://host:4318 (sends to /v1/traces there)")
  List<String> upstreams = new ArrayList<>();

  @Option(names = "--upstream-protocol", paramLabel = "PROTOCOL", defaultValue = "http/protobuf",
      description = "http/protobuf or grpc (default: ${DEFAULT-VALUE})")
  String upstreamProtocol;

  @Option(names = "--upstream-header", paramLabel = "KEY=VALUE",
      description = "send this header with every --upstream request (repeatable; gRPC metadata with grpc), "
      + "e.g. 'Authorization=Basic dXNlcjpwYXNz' or 'X-Scope-OrgID=tenant1'")
  List<String> upstreamHeaders = new ArrayList<>();

  @Option(names = "--zipkin", paramLabel = "URL", description = "forward to Zipkin (v2 JSON at URL/api/v2/spans)")
  String zipkin;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:MEMSPAN_COLLECTOR_TOKEN}",
      description = "require 'Authorization: Bearer TOKEN' from clients; required when binding to a non-loopback address "
      + "(default: $MEMSPAN_COLLECTOR_TOKEN)")
  String token;

  @Option(names = "--ports-file", paramLabel = "FILE",
      description = "write the bound addresses (http=, grpc=, ui= lines) to FILE once listening")
  Path portsFile;

  @Option(names = "--store-capacity", paramLabel = "SPANS", defaultValue = "100000",
      description = "spans the embedded store keeps for the page (default: ${DEFAULT-VALUE})")
  int storeCapacity;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new CollectorMain());
    // A bad flag gets one line naming it and a pointer to --help, not the whole usage text.
    cl.setParameterExceptionHandler((e, args) -> {
      CommandLine cmd = e.getCommandLine();
      cmd.getErr().println("memspan collector: " + e.getMessage());
      cmd.getErr().println("Try 'memspan collector --help' for the options.");
      return cmd.getCommandSpec().exitCodeOnInvalidInput();
    });
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      Log.error("start_failed", "error", e.toString());
      cmd.getErr().println("memspan collector: " + e.getMessage());
      return 1;
    });
    return cl;
  }

  /** Checks the options together; throws a ParameterException (exit 2) naming the problem. */
  CollectorConfig config() {
    CommandLine cl = spec.commandLine();
    if (maxBodyBytes < 1024 || maxBodyBytes > 64L << 20) {
      throw new ParameterException(cl, "--max-body-bytes must be between 1KiB and 64MiB, got " + maxBodyBytes);
    }
    if (spoolMaxBytes < 1L << 20) {
      throw new ParameterException(cl, "--spool-max-bytes must be at least 1MiB, got " + spoolMaxBytes);
    }
    if (spoolMaxBytes < 2 * maxBodyBytes) {
      throw new ParameterException(cl, "--spool-max-bytes must be at least twice --max-body-bytes");
    }
    if (requestTimeoutMillis < 100) {
      throw new ParameterException(cl, "--request-timeout must be at least 100 ms, got " + requestTimeoutMillis);
    }
    if (storeCapacity < 1) {
      throw new ParameterException(cl, "--store-capacity must be at least 1, got " + storeCapacity);
    }
    String protocol = upstreamProtocol.toLowerCase(Locale.ROOT);
    if (!protocol.equals("http/protobuf") && !protocol.equals("grpc")) {
      throw new ParameterException(cl, "--upstream-protocol must be http/protobuf or grpc, got " + upstreamProtocol);
    }
    try {
      Forwarders.validate(upstreams, protocol, upstreamHeaders, zipkin);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cl, e.getMessage());
    }
    if (token != null && token.isBlank()) {
      token = null;
    }
    if (token == null) {
      for (var named : List.of(new Object[] {"--http", http}, new Object[] {"--grpc", grpc}, new Object[] {"--ui", ui})) {
        InetSocketAddress a = (InetSocketAddress) named[1];
        if (a != null && !a.getAddress().isLoopbackAddress()) {
          throw new ParameterException(cl, "--token TOKEN is required when binding to a non-loopback address ("
              + named[0] + " " + Collector.hostPort(a) + ")");
        }
      }
    }
    Path dir = spool;
    if (dir == null) {
      String env = System.getenv("MEMSPAN_SPOOL");
      dir = env != null && !env.isBlank() ? Path.of(env) : Path.of(".memspan", "spool");
    }
    return new CollectorConfig(http, grpc, ui, dir, spoolMaxBytes, (int) maxBodyBytes, requestTimeoutMillis,
        List.copyOf(upstreams), protocol, List.copyOf(upstreamHeaders), zipkin, token, portsFile, storeCapacity);
  }

  @Override
  public Integer call() throws Exception {
    CollectorConfig config = config();
    Collector collector = Collector.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Log.info("signal", "action", "shutting down");
      collector.close();
      stopped.countDown();
    }, "collector-shutdown"));
    collector.announce();
    stopped.await();
    return 0;
  }

  /** HOST:PORT, [IPv6]:PORT or :PORT (all interfaces); port 0 picks a free one. */
  static final class HostPortConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
    private static final Pattern FORM = Pattern.compile("^(?:\\[([^\\]]+)\\]|([^:\\[\\]]*)):(\\d{1,5})$");

    @Override
    public InetSocketAddress convert(String value) {
      Matcher m = FORM.matcher(value);
      if (!m.matches()) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not HOST:PORT");
      }
      String host = m.group(1) != null ? m.group(1) : m.group(2);
      int port = Integer.parseInt(m.group(3));
      if (port > 65535) {
        throw new CommandLine.TypeConversionException("port " + port + " in '" + value + "' is above 65535");
      }
      try {
        InetAddress addr = host.isEmpty() ? InetAddress.getByName("0.0.0.0") : InetAddress.getByName(host);
        return new InetSocketAddress(addr, port);
      } catch (UnknownHostException e) {
        throw new CommandLine.TypeConversionException("unknown host '" + host + "' in '" + value + "'");
      }
    }
  }

  /** --ui: HOST:PORT, or "off" (null: no page, no store). */
  static final class UiConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      return value.equalsIgnoreCase("off") ? null : new HostPortConverter().convert(value);
    }
  }

  /** A byte size: 1048576, 512KiB, 8MiB, 1GiB (also K/M/G, KB/MB/GB as powers of 1024). */
  static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    private static final Pattern FORM = Pattern.compile("^(\\d+)\\s*([KMGT]?)(?:i?B)?$", Pattern.CASE_INSENSITIVE);

    @Override
    public Long convert(String value) {
      Matcher m = FORM.matcher(value.trim());
      if (!m.matches()) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a size (e.g. 1048576, 512KiB, 8MiB, 1GiB)");
      }
      long n = Long.parseLong(m.group(1));
      int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
        case "K" -> 10;
        case "M" -> 20;
        case "G" -> 30;
        case "T" -> 40;
        default -> 0;
      };
      if (n > (Long.MAX_VALUE >> shift)) {
        throw new CommandLine.TypeConversionException("'" + value + "' is too large");
      }
      return n << shift;
    }
  }
}
