# memspan collector image: the sidecar that receives the agent's OTLP on loopback inside the pod,
# spools it durably, serves the page, and forwards to an OpenTelemetry Collector (--upstream).
# Build from the repository root after 'mvn -DskipTests package':
#   docker build -f deploy/docker/collector.Dockerfile -t memspan/collector:0.1.0-SNAPSHOT .
FROM eclipse-temurin:17.0.15_6-jre-jammy
COPY collector/target/memspan-collector.jar /opt/memspan/memspan-collector.jar
RUN mkdir -p /var/lib/memspan/spool && chown -R 65532:65532 /var/lib/memspan
USER 65532:65532
# OTLP/HTTP, OTLP/gRPC, page and query API: the collector's defaults (bound to 127.0.0.1 unless
# told otherwise, which then needs --token).
EXPOSE 4318 4317 16686
ENTRYPOINT ["java", "-jar", "/opt/memspan/memspan-collector.jar", "--spool", "/var/lib/memspan/spool"]
