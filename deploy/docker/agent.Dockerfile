# memspan agent image: an init container that copies the agent jar into a volume it shares with
# the application container, which then starts with -javaagent:/memspan/memspan-agent.jar.
# Build from the repository root after 'mvn -DskipTests package':
#   docker build -f deploy/docker/agent.Dockerfile -t memspan/agent:0.1.0-SNAPSHOT .
FROM busybox:1.36.1
COPY agent/target/memspan-agent.jar /opt/memspan/memspan-agent.jar
USER 65532:65532
# The shared volume is mounted at /memspan in both containers.
CMD ["cp", "/opt/memspan/memspan-agent.jar", "/memspan/memspan-agent.jar"]
