package io.memspan.collector.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.memspan.collector.Collector;
import io.memspan.collector.CollectorConfig;
import io.memspan.collector.store.SpanAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in real headless chromium, showing what the official OpenTelemetry SDK exporter sent
 * to a running collector (OTLP/HTTP receiver, durable spool, embedded store, page). Hostile thread
 * and class names must appear as text, and no script of theirs may run.
 *
 * <p>Needs {@code chromium} and {@code chromium-driver} (deploy/setup-test-tools.sh). Without them
 * it skips, except in CI ({@code CI=true} or {@code MEMSPAN_REQUIRE_BPF=1}), where it fails: this
 * test needs no kernel feature, so nothing excuses it there.
 */
class PageBrowserTest {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final String HOSTILE_THREAD = "<img src=x onerror=alert(1)>";
  static final String HOSTILE_TYPE = "com.acme.<script>alert(2)</script>Buf";
  static final Path SCREENSHOT = Paths.get("target", "screenshots", "page.png");

  static Collector collector;
  static ChromeDriver driver;
  static String pageUrl;
  static final List<Op> OPS = new ArrayList<>();
  static String mmapSpanId;
  /**
   * When the mmap happened in its operation: not a multiple of 256 ns, so a page that read epoch
   * nanos as JavaScript Numbers (rounded to 256 ns at today's ~1.8e18) would show +39.9 or +40.2 µs.
   */
  static final long MMAP_AFTER_NANOS = 40_123;

  /** One growth operation the "application" performed, as memspan's agent would report it. */
  record Op(String thread, long tid, String type, String fn, int line, long start, long durNanos, long capBefore,
      long capAfter, long faults, long kernelFaults, long mmapBytes) {
    long bytesCopied() {
      return capBefore * 4; // compressed references
    }
  }

  @BeforeAll
  static void start(@TempDir Path spool) throws Exception {
    requireBrowser();
    collector = Collector.start(CollectorConfig.ephemeral(spool));
    sendARun("http://127.0.0.1:" + collector.httpAddress().getPort());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (collector.store().stats().spans() < OPS.size() + 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(OPS.size() + 3, collector.store().stats().spans(), "all exported spans reached the store");
    pageUrl = "http://127.0.0.1:" + collector.uiAddress().getPort() + "/";
    driver = startChromium();
  }

  static void requireBrowser() {
    boolean present = new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
    // CI is told by CI=true (what CI services set) or MEMSPAN_REQUIRE_BPF=1 (what .ci/run sets).
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI")) || "1".equals(System.getenv("MEMSPAN_REQUIRE_BPF"));
    if (!present && ci) {
      fail("chromium or chromedriver missing in CI: run deploy/setup-test-tools.sh (as root)");
    }
    Assumptions.assumeTrue(present, "chromium/chromedriver not installed: run deploy/setup-test-tools.sh as root");
  }

  static ChromeDriver startChromium() throws Exception {
    Path profile = Files.createTempDirectory("memspan-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1600,1100");
    Path log = Paths.get("target", "chromedriver.log");
    Files.createDirectories(log.getParent());
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort()
        .withLogFile(log.toFile())
        .build();
    ChromeDriver d = new ChromeDriver(service, options);
    // Any alert/confirm/prompt the page's data might sneak in is counted instead of shown.
    d.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
        "window.__dialogs = 0; for (const f of ['alert','confirm','prompt']) "
            + "window[f] = function () { window.__dialogs++; };"));
    return d;
  }

  /** Spans as memspan's agent shapes them, exported by the official SDK over OTLP/HTTP protobuf. */
  static void sendARun(String endpoint) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint + "/v1/traces").build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
            AttributeKey.stringKey(SpanAttributes.SERVICE_NAME), "log-analysis"))))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).setMaxExportBatchSize(64).build())
        .build();
    Tracer tracer = provider.get("io.memspan.agent");
    long now = System.currentTimeMillis() * 1_000_000L;
    long t0 = now - TimeUnit.SECONDS.toNanos(12);
    // ArrayList growth from 10 by 1.5x, then HashMap doubling, on three threads; faults rise with size.
    String[] threads = {"main", "worker-1", HOSTILE_THREAD};
    long tick = TimeUnit.MILLISECONDS.toNanos(150);
    int n = 0;
    for (int t = 0; t < threads.length; t++) {
      long cap = 10;
      for (int i = 0; i < 14; i++) {
        long next = cap + (cap >> 1);
        long faults = next * 4 > 4096 ? next * 4 / 4096 : 0;
        OPS.add(new Op(threads[t], 4100 + t, "ArrayList", "com.acme.logs.Parser.tokens", 88, t0 + (n++) * tick + t * 7_000_000L,
            2_000 + i * 900L, cap, next, faults, i > 11 ? 2 : 0, 0));
        cap = next;
      }
      long table = 16;
      for (int i = 0; i < 8; i++) {
        OPS.add(new Op(threads[t], 4100 + t, "HashMap", "com.acme.logs.Index.add", 41, t0 + (n++) * tick + t * 9_000_000L,
            5_000 + i * 4_000L, table, table * 2, table >= 1024 ? table / 512 : 0, 0, 0));
        table *= 2;
      }
    }
    OPS.add(new Op("main", 4100, HOSTILE_TYPE, "com.acme.logs.Evil.grow", 7, t0 + (n++) * tick, 3_000, 8, 12, 0, 0, 0));
    // One direct buffer whose allocation went straight to mmap: 1 MiB, 256 faults touching it.
    Op direct = new Op("worker-1", 4101, "ByteBuffer", "com.acme.logs.Reader.open", 23, t0 + (n++) * tick, 180_000,
        0, 1 << 20, 256, 0, 1 << 20);
    OPS.add(direct);

    for (Op op : OPS) {
      Span s = tracer.spanBuilder(simpleName(op.type) + (op.type.equals("ByteBuffer") ? ".allocateDirect" : ".grow"))
          .setNoParent()
          .setStartTimestamp(op.start, TimeUnit.NANOSECONDS)
          .setAttribute(SpanAttributes.STRUCTURE_TYPE, op.type)
          .setAttribute(SpanAttributes.CODE_FUNCTION, op.fn)
          .setAttribute(SpanAttributes.CODE_FILE, simpleName(op.fn.substring(0, op.fn.lastIndexOf('.'))) + ".java")
          .setAttribute(SpanAttributes.CODE_LINE, (long) op.line)
          .setAttribute(SpanAttributes.THREAD_NAME, op.thread)
          .setAttribute(SpanAttributes.THREAD_ID, op.tid - 4000)
          .setAttribute(SpanAttributes.TID, op.tid)
          .setAttribute(SpanAttributes.CAPACITY_BEFORE, op.capBefore)
          .setAttribute(SpanAttributes.CAPACITY_AFTER, op.capAfter)
          .setAttribute(SpanAttributes.BYTES_COPIED, op.bytesCopied())
          .setAttribute(SpanAttributes.BYTES_ALLOCATED, op.capAfter * 4)
          .setAttribute(SpanAttributes.PAGE_FAULTS, op.faults)
          .setAttribute(SpanAttributes.PAGE_FAULTS_KERNEL, op.kernelFaults)
          .setAttribute(SpanAttributes.MMAP_COUNT, op.mmapBytes > 0 ? 1L : 0L)
          .setAttribute(SpanAttributes.MMAP_BYTES, op.mmapBytes)
          .setAttribute(SpanAttributes.KERNEL_SOURCE, "bcc")
          .startSpan();
      if (op.mmapBytes > 0) {
        // as the agent sends a syscall: the tracepoint's argument names and numbers (fd as unsigned 32 bits)
        s.addEvent("mmap", Attributes.builder()
            .put("addr", 0L).put("len", op.mmapBytes).put("prot", 3L).put("flags", 0x22L).put("fd", 4294967295L)
            .put("off", 0L).put("ret", 0x7f3a5c000000L).build(),
            op.start + MMAP_AFTER_NANOS, TimeUnit.NANOSECONDS);
        mmapSpanId = s.getSpanContext().getSpanId();
      }
      s.end(op.start + op.durNanos, TimeUnit.NANOSECONDS);
    }
    advice(tracer, t0 + n * tick, "ArrayList", "com.acme.logs.Parser.tokens", 88, 42, 3000.5, 612.25, 4031, 4256, 14, 13, 63_112, 16);
    advice(tracer, t0 + n * tick, "HashMap", "com.acme.logs.Index.add", 41, 24, 1500, 200, 2048, 2731, 8, 8, 32_640, 7);
    advice(tracer, t0 + n * tick, HOSTILE_TYPE, "com.acme.logs.Evil.grow", 7, 3, 11, 1, 12, 13, 1, 1, 32, 0);
    provider.forceFlush().join(10, TimeUnit.SECONDS);
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  static void advice(Tracer tracer, long at, String type, String fn, int line, long samples, double mean, double sd,
      long max, long recommended, long observed, long saved, long bytesSaved, long faultsSaved) {
    tracer.spanBuilder(SpanAttributes.ADVICE_SPAN).setNoParent().setStartTimestamp(at, TimeUnit.NANOSECONDS)
        .setAttribute(SpanAttributes.STRUCTURE_TYPE, type)
        .setAttribute(SpanAttributes.CODE_FUNCTION, fn)
        .setAttribute(SpanAttributes.CODE_FILE, simpleName(fn.substring(0, fn.lastIndexOf('.'))) + ".java")
        .setAttribute(SpanAttributes.CODE_LINE, (long) line)
        .setAttribute(SpanAttributes.ADVICE_SAMPLES, samples)
        .setAttribute(SpanAttributes.ADVICE_MEAN, mean)
        .setAttribute(SpanAttributes.ADVICE_STDDEV, sd)
        .setAttribute(SpanAttributes.ADVICE_MAX, max)
        .setAttribute(SpanAttributes.ADVICE_RECOMMENDED, recommended)
        .setAttribute(SpanAttributes.ADVICE_RESIZES_OBSERVED, observed)
        .setAttribute(SpanAttributes.ADVICE_RESIZES_SAVED, saved)
        .setAttribute(SpanAttributes.ADVICE_BYTES_COPIED_SAVED, bytesSaved)
        .setAttribute(SpanAttributes.ADVICE_FAULTS_SAVED, faultsSaved)
        .startSpan()
        .end(at + 1_000, TimeUnit.NANOSECONDS);
  }

  static String simpleName(String dotted) {
    return dotted.substring(dotted.lastIndexOf('.') + 1);
  }

  @AfterAll
  static void stop() {
    if (driver != null) driver.quit();
    if (collector != null) collector.close();
  }

  private static WebDriverWait waitUpTo(int seconds) {
    return new WebDriverWait(driver, Duration.ofSeconds(seconds));
  }

  /**
   * Clicks what {@code css} finds, finding it again if the live page redrew it in between (it
   * redraws when the data or the window width changes, e.g. when a scrollbar appears).
   */
  private static void click(String css) {
    waitUpTo(10).ignoring(StaleElementReferenceException.class).until(d -> {
      d.findElement(By.cssSelector(css)).click();
      return true;
    });
  }

  private static List<String> column(String dataAttribute) {
    List<String> out = new ArrayList<>();
    for (WebElement tr : driver.findElements(By.cssSelector("#sites tbody tr"))) out.add(tr.getDomAttribute(dataAttribute));
    return out;
  }

  @Test
  void showsTheRunAsAUserWouldSeeIt() throws Exception {
    driver.get(pageUrl);
    waitUpTo(20).until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-loaded")));

    // Read the timeline in one script, so a live redraw cannot interleave with the reads.
    @SuppressWarnings("unchecked")
    Map<String, Object> view = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript(
        "const q = (s) => document.querySelector(s);"
            + "return {lanes: document.querySelectorAll('#timeline g.lane').length,"
            + " ops: document.querySelectorAll('#timeline rect.op').length,"
            + " quietFill: q(\"#timeline rect.op[data-faults='0']\").getAttribute('fill'),"
            + " hotFill: q(\"#timeline rect.op[data-span='\" + arguments[0] + \"']\").getAttribute('fill'),"
            + " hotFaults: q(\"#timeline rect.op[data-span='\" + arguments[0] + \"']\").dataset.faults,"
            + " labels: [...document.querySelectorAll('#timeline .lane-label')].map((e) => e.textContent),"
            + " imgs: document.querySelectorAll('img').length,"
            + " scripts: document.querySelectorAll('main script').length};", mmapSpanId);

    // Timeline: one lane per thread, one mark per operation, coloured by faults.
    assertEquals(3L, view.get("lanes"));
    assertEquals((long) OPS.size(), view.get("ops"));
    assertEquals("256", view.get("hotFaults"));
    assertFalse(view.get("quietFill").equals(view.get("hotFill")), "faults change the colour");

    // Hostile strings are text: the thread's lane label reads exactly the name, no element was made of it.
    assertTrue(((List<?>) view.get("labels")).contains(HOSTILE_THREAD), "hostile thread name shown as text: " + view);
    assertEquals(1L, view.get("imgs"), "only the page's own logo is an <img>");
    assertEquals(0L, view.get("scripts"));
    String tableText = driver.findElement(By.id("sites")).getText();
    // shown as its simple name over its package, like every class name in the table
    assertTrue(tableText.contains("<script>alert(2)</script>Buf\ncom.acme"), "hostile class name shown as text: " + tableText);

    // Charts of faults and bytes copied over time have bars.
    assertFalse(driver.findElements(By.cssSelector("#chart-faults rect.bar-faults")).isEmpty());
    assertFalse(driver.findElements(By.cssSelector("#chart-bytes rect.bar-bytes")).isEmpty());

    // Dragging across the first half of the timeline zooms every view to that stretch of time.
    @SuppressWarnings("unchecked")
    Map<String, Object> box = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript(
        "const b = document.querySelector('#timeline svg').getBoundingClientRect();"
            + "const lane = document.querySelector('#timeline rect.lane-bg').getBoundingClientRect();"
            + "return {left: b.left, width: b.width, y: lane.top + 2};");
    double left = ((Number) box.get("left")).doubleValue() + 230; // the lanes start after the labels
    double width = ((Number) box.get("width")).doubleValue() - 242;
    int y = (int) ((Number) box.get("y")).doubleValue();
    new Actions(driver).moveToLocation((int) left + 2, y).clickAndHold()
        .moveToLocation((int) (left + width * 0.5), y).release().perform();
    waitUpTo(10).until(d -> {
      int shown = d.findElements(By.cssSelector("#timeline rect.op")).size();
      return shown > 0 && shown < OPS.size();
    });
    assertTrue(driver.findElement(By.id("zoom")).isDisplayed());
    click("#zoom-reset");
    waitUpTo(10).until(d -> d.findElements(By.cssSelector("#timeline rect.op")).size() == OPS.size());

    // Call-site table: one row per site, with the advice; sorting by a column reorders it.
    assertEquals(4, driver.findElements(By.cssSelector("#sites tbody tr")).size());
    WebElement listRow = driver.findElement(By.cssSelector("#sites tbody tr[data-type='ArrayList']"));
    assertEquals("4,256", listRow.findElement(By.cssSelector("td.advice")).getText());
    assertTrue(listRow.getText().contains("13 of 14 resizes"), listRow.getText());
    assertEquals("no advice yet",
        driver.findElement(By.cssSelector("#sites tbody tr[data-type='ByteBuffer'] td.advice")).getText());

    click("#sites th[data-key='bytesCopied']");
    assertEquals("descending", driver.findElement(By.cssSelector("#sites th[data-key='bytesCopied']")).getDomAttribute("aria-sort"));
    assertEquals(expectedByBytesCopied(false), column("data-type"));
    click("#sites th[data-key='bytesCopied']");
    assertEquals(expectedByBytesCopied(true), column("data-type"));
    click("#sites th[data-key='recommended']");
    assertEquals(List.of("ArrayList", "HashMap", HOSTILE_TYPE, "ByteBuffer"), column("data-type"));

    // Span detail with its mmap event.
    String hotOp = "#timeline rect.op[data-span='" + mmapSpanId + "']";
    click(hotOp);
    waitUpTo(10).until(d -> !d.findElements(By.cssSelector("#detail-events tr.event")).isEmpty());
    assertEquals("ByteBuffer.allocateDirect", driver.findElement(By.id("detail-name")).getText());
    WebElement event = driver.findElement(By.cssSelector("#detail-events tr.event"));
    assertEquals("mmap", event.findElement(By.cssSelector(".ev-name")).getText());
    assertEquals("addr=0x0 len=1048576 prot=PROT_READ|PROT_WRITE flags=MAP_PRIVATE|MAP_ANONYMOUS fd=-1 off=0 "
        + "ret=0x7f3a5c000000",
        event.findElement(By.cssSelector(".args")).getText().replaceAll("\\s+", " "), "arguments in call order");
    assertTrue(driver.findElement(By.id("detail")).getText().contains("1.0 MiB"), "mmap bytes figure");
    assertEquals("+40.1 µs", event.findElement(By.cssSelector("td.num")).getText(), "when the mmap happened, to the ns");

    // Clicking the hostile call-site row shows one of its spans, its class name still as text.
    click("#sites th[data-key='faults']");
    int hostileRow = column("data-type").indexOf(HOSTILE_TYPE) + 1;
    click("#sites tbody tr:nth-child(" + hostileRow + ")");
    waitUpTo(10).until(d -> d.findElement(By.id("detail")).getText().contains(HOSTILE_TYPE));

    Object dialogs = ((JavascriptExecutor) driver).executeScript("return window.__dialogs");
    assertEquals(0L, dialogs, "no script from the data ran");

    // Back on the hot span for the picture, then save it.
    click(hotOp);
    // the detail is redrawn when its span arrives: a read may catch the old one just removed
    waitUpTo(10).ignoring(StaleElementReferenceException.class)
        .until(d -> "ByteBuffer.allocateDirect".equals(d.findElement(By.id("detail-name")).getText()));
    ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
    Files.createDirectories(SCREENSHOT.getParent());
    Files.write(SCREENSHOT, driver.getScreenshotAs(OutputType.BYTES));
    assertNotNull(Files.size(SCREENSHOT));
  }

  /** Structure types of the call sites, by total bytes copied. */
  static List<String> expectedByBytesCopied(boolean ascending) {
    Map<String, Long> totals = new java.util.HashMap<>();
    for (Op op : OPS) totals.merge(op.type, op.bytesCopied(), Long::sum);
    Comparator<Map.Entry<String, Long>> c = Map.Entry.comparingByValue();
    return totals.entrySet().stream().sorted(ascending ? c : c.reversed()).map(Map.Entry::getKey).toList();
  }
}
