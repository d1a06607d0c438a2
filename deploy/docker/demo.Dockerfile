# memspan demo application image: the demo workload on Debian 12's JRE with libbcc, so the agent
# can load its eBPF program in-process (the container needs CAP_BPF, CAP_PERFMON and
# CAP_DAC_READ_SEARCH and the host's kernel headers and tracefs mounted; see the manifests).
# Build from the repository root after 'mvn -DskipTests package':
#   docker build -f deploy/docker/demo.Dockerfile -t memspan/demo:0.1.0-SNAPSHOT .
FROM debian:12.8-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless libbpfcc \
 && rm -rf /var/lib/apt/lists/*
COPY bench/target/memspan-bench-0.1.0-SNAPSHOT-demo.jar /opt/demo/memspan-demo.jar
ENTRYPOINT ["java", "-cp", "/opt/demo/memspan-demo.jar", "io.memspan.bench.workload.DemoWorkload"]
