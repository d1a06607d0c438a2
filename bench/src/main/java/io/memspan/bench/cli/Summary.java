package io.memspan.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The terminal summary {@code memspan demo} and {@code memspan run} print: waits until the
 * collector holds the service's spans, then shows the top operations by faults and by bytes
 * copied, the fault coverage, and the call-site advice, each as an aligned table.
 *
 * <p>usage: Summary --api URL --service NAME [--token T] [--wait SECONDS] [--top N]
 * [--process-faults-from FILE]. Exit 0 with a summary, 1 when no span arrived in time or the
 * collector cannot be read, 2 for bad arguments.
 */
public final class Summary {

  /** The line {@code DemoWorkload} (or any program) prints with its own whole-process fault count. */
  static final Pattern PROCESS_FAULTS = Pattern.compile("process page faults: (\\d+)");

  private final CollectorQuery query;
  private final String service;
  private final int top;
  private final StringBuilder out = new StringBuilder();

  Summary(CollectorQuery query, String service, int top) {
    this.query = query;
    this.service = service;
    this.top = top;
  }

  public static void main(String[] args) {
    SummaryArgs a;
    try {
      a = SummaryArgs.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("memspan summary: " + e.getMessage());
      System.err.println(SummaryArgs.USAGE);
      System.exit(2);
      return;
    }
    try (CollectorQuery q = new CollectorQuery(a.api(), a.service(), a.token())) {
      Summary s = new Summary(q, a.service(), a.top());
      if (!s.awaitSpans(a.waitSeconds() * 1000L)) {
        System.err.println("memspan summary: no spans of service '" + a.service() + "' reached the"
            + " collector at " + a.api() + " within " + a.waitSeconds() + " s");
        System.exit(1);
      }
      Long processFaults = a.processFaultsFrom() == null ? null : processFaults(a.processFaultsFrom());
      System.out.print(s.render(processFaults));
      System.out.flush();
    } catch (IOException e) {
      System.err.println("memspan summary: cannot read the collector's query API: " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * Waits until the service's spans are in the store, including its advice (the agent sends advice
   * at shutdown), and their number has stopped changing: the spool hands spans to the store
   * asynchronously after acknowledging them.
   */
  boolean awaitSpans(long timeoutMillis) throws IOException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    long last = -1;
    int stable = 0;
    while (System.nanoTime() < deadline) {
      long n = query.spans().size();
      boolean advised = query.advice().size() > 0;
      stable = n > 0 && n == last ? stable + 1 : 0;
      last = n;
      if (stable >= 2 && advised || stable >= 6) {
        return true;
      }
      sleep(500);
    }
    return last > 0;
  }

  String render(Long processFaults) throws IOException {
    List<JsonNode> ops = new ArrayList<>();
    Map<String, Integer> sources = new TreeMap<>();
    long attributed = 0;
    for (JsonNode s : query.spans()) {
      JsonNode attrs = s.path("attributes");
      if (!attrs.has("memspan.structure.type") || "memspan.advice".equals(s.path("name").asText())) {
        continue;
      }
      ops.add(s);
      attributed += s.path("faults").asLong();
      sources.merge(attrs.path("memspan.kernel.source").asText("none"), 1, Integer::sum);
    }
    out.append(String.format(Locale.ROOT, "memspan summary for service %s: %s operations kept as spans"
        + " (kernel source: %s)%n%n", service, Table.count(ops.size()), sourcesText(sources)));

    section("Top operations by page faults", topOps(ops, s -> s.path("faults").asLong()));
    section("Top operations by bytes copied",
        topOps(ops, s -> s.path("attributes").path("memspan.bytes.copied").asLong()));
    section("Fault coverage", coverage(attributed, ops.size(), processFaults));
    section("Call-site advice (pre-size here to avoid the resizes)", advice());
    return out.toString();
  }

  private Table topOps(List<JsonNode> ops, ToLongFunction<JsonNode> key) {
    Table t = new Table("operation", "capacity before>", "after>", "faults>", "bytes copied>",
        "mmap>", "ms>", "thread", "call site");
    ops.stream()
        .filter(s -> key.applyAsLong(s) > 0)
        .sorted(Comparator.comparingLong(key).reversed())
        .limit(top)
        .forEach(s -> {
          JsonNode a = s.path("attributes");
          t.row(s.path("name").asText(),
              Table.count(a.path("memspan.capacity.before").asLong()),
              Table.count(a.path("memspan.capacity.after").asLong()),
              Table.count(s.path("faults").asLong()),
              Table.bytes(a.path("memspan.bytes.copied").asLong()),
              Table.bytes(a.path("memspan.mmap.bytes").asLong()),
              String.format(Locale.ROOT, "%.2f", s.path("durationNanos").asLong() / 1e6),
              a.path("thread.name").asText(""),
              site(a.path("code.function.name").asText(""), a.path("code.line.number").asLong()));
        });
    return t;
  }

  private static Table coverage(long attributed, int ops, Long processFaults) {
    Table t = new Table("", "page faults>");
    t.row("attributed to operations (" + Table.count(ops) + " spans)", Table.count(attributed));
    if (processFaults != null && processFaults > 0) {
      t.row("whole process, start to exit", Table.count(processFaults));
      t.row("coverage", String.format(Locale.ROOT, "%.1f %%", 100.0 * attributed / processFaults));
    }
    return t;
  }

  private Table advice() throws IOException {
    Table t = new Table("structure", "call site", "samples>", "mean size>", "max>",
        "recommended capacity>", "resizes saved>", "copies saved>", "faults saved>");
    int n = 0;
    for (JsonNode a : query.advice()) {
      if (n++ == top) {
        break;
      }
      JsonNode site = a.path("site");
      t.row(simpleName(site.path("structureType").asText()),
          site(site.path("function").asText(), site.path("line").asLong()),
          Table.count(a.path("samples").asLong()),
          Table.count(Math.round(a.path("mean").asDouble())),
          Table.count(a.path("max").asLong()),
          Table.count(a.path("recommendedCapacity").asLong()),
          Table.count(a.path("resizesSaved").asLong()),
          Table.bytes(a.path("bytesCopiedSaved").asLong()),
          Table.count(a.path("faultsSaved").asLong()));
    }
    return t;
  }

  private void section(String title, Table t) {
    out.append(title).append('\n');
    if (t.size() == 0) {
      out.append("  (none)\n\n");
    } else {
      out.append(t.render("  ")).append('\n');
    }
  }

  private static String sourcesText(Map<String, Integer> sources) {
    if (sources.isEmpty()) {
      return "none";
    }
    StringBuilder s = new StringBuilder();
    sources.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k)
        .append(sources.size() > 1 ? " ×" + v : ""));
    return s.toString();
  }

  private static String site(String function, long line) {
    if (function.isEmpty()) {
      return "(unknown)";
    }
    // com.acme.Foo.bar → Foo.bar: the package rarely helps in a terminal table.
    int method = function.lastIndexOf('.');
    int cls = method > 0 ? function.lastIndexOf('.', method - 1) : -1;
    String shortName = function.substring(cls + 1);
    return line > 0 ? shortName + ":" + line : shortName;
  }

  private static String simpleName(String type) {
    return type.substring(type.lastIndexOf('.') + 1);
  }

  static Long processFaults(Path output) throws IOException {
    Long found = null;
    for (String line : Files.readAllLines(output)) {
      Matcher m = PROCESS_FAULTS.matcher(line);
      if (m.find()) {
        found = Long.parseLong(m.group(1));
      }
    }
    return found;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Parsed command line. */
  record SummaryArgs(URI api, String service, String token, int waitSeconds, int top,
      Path processFaultsFrom) {

    static final String USAGE = "usage: Summary --api URL --service NAME [--token TOKEN]"
        + " [--wait SECONDS] [--top N] [--process-faults-from FILE]";

    static SummaryArgs parse(String[] args) {
      URI api = null;
      String service = null;
      String token = null;
      int wait = 30;
      int top = 10;
      Path faults = null;
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value"
              : "unexpected argument '" + flag + "'");
        }
        String v = args[++i];
        switch (flag) {
          case "--api": api = uri(v); break;
          case "--service": service = v; break;
          case "--token": token = v; break;
          case "--wait": wait = positive(flag, v); break;
          case "--top": top = positive(flag, v); break;
          case "--process-faults-from": faults = Path.of(v); break;
          default: throw new IllegalArgumentException("unknown option '" + flag + "'");
        }
      }
      if (api == null || service == null) {
        throw new IllegalArgumentException("--api and --service are required");
      }
      return new SummaryArgs(api, service, token, wait, top, faults);
    }

    private static URI uri(String v) {
      try {
        URI u = URI.create(v.endsWith("/") ? v : v + "/");
        if (!"http".equals(u.getScheme()) || u.getHost() == null) {
          throw new IllegalArgumentException("--api wants http://HOST:PORT, not '" + v + "'");
        }
        return u;
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--api wants http://HOST:PORT, not '" + v + "'");
      }
    }

    private static int positive(String flag, String v) {
      try {
        int n = Integer.parseInt(v);
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw new IllegalArgumentException(flag + " wants a positive whole number, not '" + v + "'");
    }
  }
}
