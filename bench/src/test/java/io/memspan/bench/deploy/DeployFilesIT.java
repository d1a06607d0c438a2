package io.memspan.bench.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.memspan.agent.config.ConfigKeys;
import io.memspan.bench.workload.DemoWorkload;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/ cannot be built or run here (no container engine), so every file, path, port, user,
 * image and variable its Dockerfiles, Kubernetes manifests and compose file name is checked
 * against the build (jars after 'package') and against the code's defaults (ConfigKeys, the
 * collector's listener defaults), and the manifests against each other.
 */
class DeployFilesIT {

  /** An exact version tag (1.36.1, 17.0.15_6-jre-jammy, 12.8-slim) or a digest: never 'latest'. */
  private static final Pattern PINNED =
      Pattern.compile("[a-z0-9./-]+(:\\d+(\\.\\d+)+[A-Za-z0-9._-]*|@sha256:[0-9a-f]{64})");
  private static final Set<String> EBPF_CAPABILITIES = Set.of("BPF", "PERFMON", "DAC_READ_SEARCH");

  static Path home;
  static Path deploy;
  static String version;
  static Dockerfile agent;
  static Dockerfile collector;
  static Dockerfile demo;
  static final YAMLMapper YAML = new YAMLMapper();
  static Map<String, JsonNode> k8s = new HashMap<>(); // "Kind/name" → document
  static JsonNode compose;
  static JsonNode otelConfig;
  static JsonNode kustomization;

  @BeforeAll
  static void read() throws IOException {
    home = Build.home();
    deploy = home.resolve("deploy");
    version = Build.version();
    agent = Dockerfile.read(deploy.resolve("docker/agent.Dockerfile"));
    collector = Dockerfile.read(deploy.resolve("docker/collector.Dockerfile"));
    demo = Dockerfile.read(deploy.resolve("docker/demo.Dockerfile"));
    try (Stream<Path> files = Files.list(deploy.resolve("kubernetes"))) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
          while (docs.hasNext()) {
            JsonNode d = docs.next();
            k8s.put(d.path("kind").asText() + "/" + d.path("metadata").path("name").asText(), d);
          }
        }
      }
    }
    compose = YAML.readTree(deploy.resolve("compose.yaml").toFile());
    otelConfig = YAML.readTree(deploy.resolve("otel/otel-collector-config.yaml").toFile());
    kustomization = YAML.readTree(deploy.resolve("kustomization.yaml").toFile());
  }

  // --- images ---------------------------------------------------------------------------------

  @Test
  void everyBaseImageIsPinned() {
    for (Dockerfile d : List.of(agent, collector, demo)) {
      String from = d.one("FROM");
      assertTrue(PINNED.matcher(from).matches(), d.path() + ": FROM " + from + " is not pinned");
    }
  }

  @Test
  void everyCopiedFileExistsInTheBuild() {
    for (Dockerfile d : List.of(agent, collector, demo)) {
      for (String copy : d.all("COPY")) {
        String src = copy.split("\\s+")[0];
        assertTrue(Files.isRegularFile(home.resolve(src)),
            d.path() + " copies " + src + ", which 'mvn package' did not produce");
      }
    }
  }

  @Test
  void agentImageCopiesTheJarIntoTheSharedVolumeAsNonRoot() throws IOException {
    String[] copy = agent.one("COPY").split("\\s+");
    assertEquals("agent/target/memspan-agent.jar", copy[0]);
    List<String> cmd = agent.exec("CMD");
    assertEquals(List.of("cp", copy[1], agentJarInVolume()), cmd);
    assertNonRoot(agent);
  }

  @Test
  void collectorImageExposesTheCollectorsDefaultPorts() throws Exception {
    Set<Integer> exposed = new TreeSet<>();
    for (String p : collector.one("EXPOSE").split("\\s+")) {
      exposed.add(Integer.parseInt(p));
    }
    assertEquals(collectorPorts(), exposed);
    List<String> entry = collector.exec("ENTRYPOINT");
    String[] copy = collector.one("COPY").split("\\s+");
    assertEquals("collector/target/memspan-collector.jar", copy[0]);
    assertEquals(List.of("java", "-jar", copy[1]), entry.subList(0, 3));
    assertTrue(collector.one("RUN").contains(spoolDir()), "the image creates the spool directory it uses");
    assertNonRoot(collector);
  }

  @Test
  void demoImageRunsTheDemoWorkload() throws IOException {
    String[] copy = demo.one("COPY").split("\\s+");
    assertEquals("bench/target/memspan-bench-" + version + "-demo.jar", copy[0]);
    assertEquals(List.of("java", "-cp", copy[1], DemoWorkload.class.getName()), demo.exec("ENTRYPOINT"));
    try (JarFile jar = new JarFile(home.resolve(copy[0]).toFile())) {
      assertNotNull(jar.getEntry(DemoWorkload.class.getName().replace('.', '/') + ".class"));
      assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("io/memspan/agent/")),
          "the demo jar must not carry agent classes (they would shadow the -javaagent jar)");
    }
    assertTrue(demo.one("RUN").contains("libbpfcc"), "the demo image needs libbcc for in-process eBPF");
  }

  @Test
  void memspanImagesAreTaggedWithTheProjectVersion() {
    Map<String, Dockerfile> byImage = Map.of("memspan/agent", agent, "memspan/collector", collector,
        "memspan/demo", demo);
    Set<String> seen = new TreeSet<>();
    for (String image : allImages()) {
      if (image.startsWith("memspan/")) {
        String name = image.substring(0, image.indexOf(':'));
        assertEquals(name + ":" + version, image);
        Dockerfile d = byImage.get(name);
        assertNotNull(d, image + " has no Dockerfile in deploy/docker");
        seen.add(name);
      } else {
        assertTrue(PINNED.matcher(image).matches(), image + " is not pinned to an exact version");
      }
    }
    assertEquals(byImage.keySet(), seen, "every memspan image is used by the manifests");
    for (Map.Entry<String, Dockerfile> e : byImage.entrySet()) {
      String build = "docker build -f deploy/docker/" + e.getValue().path().getFileName() + " -t "
          + e.getKey() + ":" + version + " .";
      assertTrue(contents(e.getValue().path()).contains(build), e.getValue().path() + " says how to build it: " + build);
    }
  }

  // --- Kubernetes -----------------------------------------------------------------------------

  @Test
  void kubernetesAppGetsTheAgentFromTheInitContainer() throws Exception {
    JsonNode spec = podSpec("memspan-demo");
    JsonNode init = named(spec.path("initContainers"), "memspan-agent");
    assertEquals("memspan/agent:" + version, init.path("image").asText());
    assertEquals(uid(agent), init.path("securityContext").path("runAsUser").asInt());
    assertEquals(sharedDir(), mountPath(init, "memspan"));

    JsonNode app = named(spec.path("containers"), "app");
    Map<String, String> env = env(app);
    assertEquals("-javaagent:" + agentJarInVolume(), env.get("JAVA_TOOL_OPTIONS"));
    assertEquals(sharedDir(), mountPath(app, "memspan"));
    assertTrue(mount(app, "memspan").path("readOnly").asBoolean(), "the app only reads the agent jar");
    assertAgentEnvironment(env);
    assertEquals("http://127.0.0.1:" + Build.collectorDefaultPort("--http"),
        env.get("OTEL_EXPORTER_OTLP_ENDPOINT"), "the app exports to the sidecar on the pod's loopback");
  }

  @Test
  void kubernetesGrantsTheEbpfCapabilitiesToTheAppAndNothingElse() {
    JsonNode spec = podSpec("memspan-demo");
    List<JsonNode> all = new ArrayList<>();
    spec.path("initContainers").forEach(all::add);
    spec.path("containers").forEach(all::add);
    for (JsonNode c : all) {
      JsonNode caps = c.path("securityContext").path("capabilities");
      assertEquals(List.of("ALL"), strings(caps.path("drop")), c.path("name") + " drops every capability");
      assertFalse(c.path("securityContext").path("privileged").asBoolean(), c.path("name") + " is not privileged");
      assertFalse(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true),
          c.path("name") + " disallows privilege escalation");
      Set<String> added = new HashSet<>(strings(caps.path("add")));
      if (c.path("name").asText().equals("app")) {
        assertEquals(EBPF_CAPABILITIES, added);
      } else {
        assertEquals(Set.of(), added, c.path("name") + " adds no capability");
        assertTrue(c.path("securityContext").path("runAsNonRoot").asBoolean(), c.path("name") + " runs as non-root");
      }
    }
    assertFalse(spec.path("hostPID").asBoolean() || spec.path("hostNetwork").asBoolean());
    // What BCC reads from the host (kernel headers, tracefs) is mounted read-only.
    JsonNode app = named(spec.path("containers"), "app");
    for (JsonNode v : spec.path("volumes")) {
      if (v.has("hostPath")) {
        JsonNode m = mount(app, v.path("name").asText());
        assertEquals(v.path("hostPath").path("path").asText(), m.path("mountPath").asText());
        assertTrue(m.path("readOnly").asBoolean(), v.path("name") + " is mounted read-only");
      }
    }
  }

  @Test
  void kubernetesSidecarIsTheCollectorWithItsDefaultsForwardingToTheOtelCollector() throws Exception {
    JsonNode spec = podSpec("memspan-demo");
    JsonNode sidecar = named(spec.path("containers"), "memspan-collector");
    assertEquals("memspan/collector:" + version, sidecar.path("image").asText());
    assertEquals(uid(collector), sidecar.path("securityContext").path("runAsUser").asInt());
    Set<Integer> ports = new TreeSet<>();
    sidecar.path("ports").forEach(p -> ports.add(p.path("containerPort").asInt()));
    assertEquals(collectorPorts(), ports);
    assertEquals(spoolDir(), mountPath(sidecar, "spool"));
    URI upstream = URI.create(flag(strings(sidecar.path("args")), "--upstream"));
    assertOtelCollectorReceives(upstream, "otlp-http", "http");
    everyMountHasAVolume(spec);
  }

  @Test
  void otelCollectorForwardsToJaeger() {
    JsonNode spec = podSpec("otel-collector");
    JsonNode c = named(spec.path("containers"), "otel-collector");
    String config = flag(strings(c.path("args")), "--config");
    Path configFile = Path.of(config);
    assertEquals(configFile.getParent().toString(), mountPath(c, "config"));
    String configMap = volume(spec, "config").path("configMap").path("name").asText();
    JsonNode generator = null;
    for (JsonNode g : kustomization.path("configMapGenerator")) {
      if (g.path("name").asText().equals(configMap)) {
        generator = g;
      }
    }
    assertNotNull(generator, "the kustomization generates the ConfigMap " + configMap);
    assertTrue(kustomization.path("generatorOptions").path("disableNameSuffixHash").asBoolean(),
        "the Deployment refers to the ConfigMap by its plain name");
    List<String> files = strings(generator.path("files"));
    assertEquals(List.of("otel/otel-collector-config.yaml"), files);
    assertEquals(configFile.getFileName().toString(), Path.of(files.get(0)).getFileName().toString());
    for (String r : strings(kustomization.path("resources"))) {
      assertTrue(Files.isRegularFile(deploy.resolve(r)), "kustomization resource " + r + " exists");
    }
    // Container ports = receiver ports = Service ports.
    Set<Integer> receivers = new TreeSet<>(List.of(receiverPort("grpc"), receiverPort("http")));
    Set<Integer> containerPorts = new TreeSet<>();
    c.path("ports").forEach(p -> containerPorts.add(p.path("containerPort").asInt()));
    assertEquals(receivers, containerPorts);
    Set<Integer> servicePorts = new TreeSet<>();
    k8s.get("Service/otel-collector").path("spec").path("ports").forEach(p -> servicePorts.add(p.path("port").asInt()));
    assertEquals(receivers, servicePorts);
    // The exporter's host:port is the Jaeger Service's OTLP/gRPC port.
    String endpoint = otelConfig.path("exporters").path("otlp/jaeger").path("endpoint").asText();
    assertEquals(List.of("otlp/jaeger"),
        strings(otelConfig.path("service").path("pipelines").path("traces").path("exporters")));
    String host = endpoint.substring(0, endpoint.indexOf(':'));
    int port = Integer.parseInt(endpoint.substring(endpoint.indexOf(':') + 1));
    assertTrue(servicePort("Service/" + host, "otlp-grpc") == port, "Service " + host + " serves " + port);
    assertTrue(compose.path("services").has(host), "compose has the " + host + " service too");
  }

  // --- compose --------------------------------------------------------------------------------

  @Test
  void composeHasTheSameShapeAsTheKubernetesPod() throws Exception {
    JsonNode s = compose.path("services");
    JsonNode spec = podSpec("memspan-demo");
    JsonNode k8sApp = named(spec.path("containers"), "app");
    JsonNode k8sSidecar = named(spec.path("containers"), "memspan-collector");
    assertEquals(named(spec.path("initContainers"), "memspan-agent").path("image").asText(),
        s.path("memspan-agent").path("image").asText());
    assertEquals(k8sApp.path("image").asText(), s.path("app").path("image").asText());
    assertEquals(k8sSidecar.path("image").asText(), s.path("memspan-collector").path("image").asText());
    assertEquals(strings(k8sApp.path("args")), strings(s.path("app").path("command")));

    // Users as in the images.
    assertEquals(uid(agent) + ":" + uid(agent), s.path("memspan-agent").path("user").asText());
    assertEquals(uid(collector) + ":" + uid(collector), s.path("memspan-collector").path("user").asText());

    // The agent jar reaches the app through the shared volume, as in the pod.
    assertEquals(List.of("memspan:" + sharedDir()), strings(s.path("memspan-agent").path("volumes")));
    assertTrue(strings(s.path("app").path("volumes")).contains("memspan:" + sharedDir() + ":ro"));
    assertEquals("service_completed_successfully",
        s.path("app").path("depends_on").path("memspan-agent").path("condition").asText());

    // Same environment as the pod's app container (plus the token header).
    Map<String, String> env = new HashMap<>();
    s.path("app").path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    Map<String, String> podEnv = env(k8sApp);
    for (Map.Entry<String, String> e : podEnv.entrySet()) {
      assertEquals(e.getValue(), env.get(e.getKey()), e.getKey());
    }
    assertAgentEnvironment(env);

    // Pod semantics: the app shares the sidecar's network namespace, so OTLP stays on loopback.
    assertEquals("service:memspan-collector", s.path("app").path("network_mode").asText());
    assertEquals(EBPF_CAPABILITIES, new HashSet<>(strings(s.path("app").path("cap_add"))));
    for (String svc : List.of("memspan-agent", "memspan-collector", "app")) {
      assertEquals(List.of("ALL"), strings(s.path(svc).path("cap_drop")), svc + " drops every capability");
      assertFalse(s.path(svc).path("privileged").asBoolean(), svc + " is not privileged");
    }
    for (JsonNode v : s.path("app").path("volumes")) {
      String[] parts = v.asText().split(":");
      if (parts[0].startsWith("/")) {
        assertEquals(parts[0], parts[1]);
        assertEquals("ro", parts[2], v.asText() + " is read-only");
        assertNotNull(volume(spec, hostPathVolume(spec, parts[0])), "the pod mounts " + parts[0] + " too");
      }
    }

    // The sidecar: same upstream, its spool where the image keeps it, the page published with a token.
    List<String> cmd = strings(s.path("memspan-collector").path("command"));
    assertEquals(flag(strings(k8sSidecar.path("args")), "--upstream"), flag(cmd, "--upstream"));
    assertTrue(strings(s.path("memspan-collector").path("volumes")).contains("spool:" + spoolDir()));
    int ui = Build.collectorDefaultPort("--ui");
    assertEquals("0.0.0.0:" + ui, flag(cmd, "--ui"));
    assertTrue(s.path("memspan-collector").path("environment").has("MEMSPAN_COLLECTOR_TOKEN"),
        "a page bound beyond loopback needs the collector's token");
    assertTrue(env.get("OTEL_EXPORTER_OTLP_HEADERS").startsWith("Authorization=Bearer%20${MEMSPAN_COLLECTOR_TOKEN"),
        "the agent sends that token");
    assertEquals(List.of("127.0.0.1:" + ui + ":" + ui), strings(s.path("memspan-collector").path("ports")));

    // The OpenTelemetry Collector reads the same configuration file as in Kubernetes.
    JsonNode otel = s.path("otel-collector");
    assertEquals(named(podSpec("otel-collector").path("containers"), "otel-collector").path("image").asText(),
        otel.path("image").asText());
    String config = flag(strings(otel.path("command")), "--config");
    String mount = strings(otel.path("volumes")).get(0);
    assertEquals("./otel/otel-collector-config.yaml:" + config + ":ro", mount);
    assertTrue(Files.isRegularFile(deploy.resolve("otel/otel-collector-config.yaml")));
    URI upstream = URI.create(flag(cmd, "--upstream"));
    assertTrue(s.has(upstream.getHost()), "compose runs " + upstream.getHost());
    assertEquals(receiverPort("http"), upstream.getPort());
    assertEquals(named(podSpec("jaeger").path("containers"), "jaeger").path("image").asText(),
        s.path("jaeger").path("image").asText());
  }

  // --- helpers --------------------------------------------------------------------------------

  /** Every OTEL_* / MEMSPAN_* variable is a key the agent reads, with a value it accepts. */
  private static void assertAgentEnvironment(Map<String, String> env) throws Exception {
    Set<String> known = Build.configEnvNames();
    for (String name : env.keySet()) {
      if (name.startsWith("OTEL_") || name.startsWith("MEMSPAN_")) {
        assertTrue(known.contains(name), name + " is not a key in ConfigKeys " + known);
      }
    }
    assertEquals("http/protobuf", env.get(Build.envName(ConfigKeys.PROTOCOL)),
        "http/protobuf goes with the collector's OTLP/HTTP port");
    assertEquals(ConfigKeys.KERNEL_DEFAULT, env.get(Build.envName(ConfigKeys.KERNEL)));
    assertEquals("memspan-demo", env.get(Build.envName(ConfigKeys.SERVICE_NAME)));
  }

  private static void assertOtelCollectorReceives(URI upstream, String portName, String protocol) {
    assertEquals("http", upstream.getScheme());
    JsonNode service = k8s.get("Service/" + upstream.getHost());
    assertNotNull(service, "a Service named " + upstream.getHost() + " exists");
    assertEquals(servicePort("Service/" + upstream.getHost(), portName), upstream.getPort());
    assertEquals(receiverPort(protocol), upstream.getPort());
  }

  private static int receiverPort(String protocol) {
    String endpoint = otelConfig.path("receivers").path("otlp").path("protocols").path(protocol)
        .path("endpoint").asText();
    return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
  }

  private static int servicePort(String service, String name) {
    JsonNode svc = k8s.get(service);
    assertNotNull(svc, service + " exists");
    for (JsonNode p : svc.path("spec").path("ports")) {
      if (p.path("name").asText().equals(name)) {
        return p.path("port").asInt();
      }
    }
    throw new AssertionError(service + " has no port named " + name);
  }

  private static Set<Integer> collectorPorts() throws Exception {
    return new TreeSet<>(List.of(Build.collectorDefaultPort("--http"), Build.collectorDefaultPort("--grpc"),
        Build.collectorDefaultPort("--ui")));
  }

  /** Where the images put the agent jar for the app: the shared volume's mount + the build's jar name. */
  private static String agentJarInVolume() {
    return sharedDir() + "/memspan-agent.jar";
  }

  private static String sharedDir() {
    return "/memspan";
  }

  /** The spool directory the collector image runs with. */
  private static String spoolDir() {
    try {
      return flag(collector.exec("ENTRYPOINT"), "--spool");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static int uid(Dockerfile d) {
    return Integer.parseInt(d.one("USER").split(":")[0]);
  }

  private static void assertNonRoot(Dockerfile d) {
    String user = d.one("USER");
    assertNotNull(user, d.path() + " sets a USER");
    assertTrue(user.matches("[1-9][0-9]*:[1-9][0-9]*"), d.path() + ": USER " + user + " is a numeric non-root uid:gid");
  }

  private static JsonNode podSpec(String deployment) {
    JsonNode d = k8s.get("Deployment/" + deployment);
    assertNotNull(d, "Deployment " + deployment + " exists in deploy/kubernetes");
    return d.path("spec").path("template").path("spec");
  }

  private static JsonNode named(JsonNode list, String name) {
    for (JsonNode n : list) {
      if (n.path("name").asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no '" + name + "' in " + list);
  }

  private static JsonNode mount(JsonNode container, String volume) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("name").asText().equals(volume)) {
        return m;
      }
    }
    throw new AssertionError(container.path("name") + " does not mount " + volume);
  }

  private static String mountPath(JsonNode container, String volume) {
    return mount(container, volume).path("mountPath").asText();
  }

  private static JsonNode volume(JsonNode spec, String name) {
    return named(spec.path("volumes"), name);
  }

  private static String hostPathVolume(JsonNode spec, String path) {
    for (JsonNode v : spec.path("volumes")) {
      if (v.path("hostPath").path("path").asText().equals(path)) {
        return v.path("name").asText();
      }
    }
    throw new AssertionError("the pod has no hostPath volume for " + path);
  }

  private static void everyMountHasAVolume(JsonNode spec) {
    List<JsonNode> all = new ArrayList<>();
    spec.path("initContainers").forEach(all::add);
    spec.path("containers").forEach(all::add);
    for (JsonNode c : all) {
      for (JsonNode m : c.path("volumeMounts")) {
        volume(spec, m.path("name").asText());
      }
    }
  }

  private static Map<String, String> env(JsonNode container) {
    Map<String, String> env = new HashMap<>();
    for (JsonNode e : container.path("env")) {
      env.put(e.path("name").asText(), e.path("value").asText());
    }
    return env;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The value after {@code --flag} or in {@code --flag=value}. */
  private static String flag(List<String> args, String flag) {
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals(flag) && i + 1 < args.size()) {
        return args.get(i + 1);
      }
      if (args.get(i).startsWith(flag + "=")) {
        return args.get(i).substring(flag.length() + 1);
      }
    }
    throw new AssertionError("no " + flag + " in " + args);
  }

  private static List<String> allImages() {
    List<String> images = new ArrayList<>();
    for (JsonNode d : k8s.values()) {
      JsonNode spec = d.path("spec").path("template").path("spec");
      spec.path("initContainers").forEach(c -> images.add(c.path("image").asText()));
      spec.path("containers").forEach(c -> images.add(c.path("image").asText()));
    }
    compose.path("services").forEach(s -> images.add(s.path("image").asText()));
    return images;
  }

  private static String contents(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
