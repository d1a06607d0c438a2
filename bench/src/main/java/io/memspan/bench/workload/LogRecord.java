package io.memspan.bench.workload;

/** One parsed access-log line. */
record LogRecord(
    int lineNumber,
    String client,
    String user,
    long epochSecond,
    String method,
    String path,
    String endpoint,
    int status,
    int bytes,
    String userAgent,
    long latencyMicros) {}
