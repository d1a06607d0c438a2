package io.memspan.bench.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Parses the combined-log-format lines that {@link AccessLogGenerator} writes. */
final class LogParser {

  /** Reads every line; a line that does not parse is an error naming its number. */
  List<LogRecord> parse(Path file) throws IOException {
    // No initial capacity on purpose: this is the kind of list memspan's advice is about.
    List<LogRecord> records = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        records.add(parseLine(n, line));
      }
    }
    return records;
  }

  static LogRecord parseLine(int n, String line) {
    try {
      int sp1 = line.indexOf(' ');
      String client = line.substring(0, sp1);
      int userStart = sp1 + 3;
      int userEnd = line.indexOf(' ', userStart);
      String user = line.substring(userStart, userEnd);
      int tsEnd = line.indexOf(']', userEnd);
      long epochSecond = Long.parseLong(line, userEnd + 2, tsEnd, 10);
      int reqStart = line.indexOf('"', tsEnd) + 1;
      int reqEnd = line.indexOf('"', reqStart);
      String[] request = line.substring(reqStart, reqEnd).split(" ");
      String path = request[1];
      int statusStart = reqEnd + 2;
      int statusEnd = line.indexOf(' ', statusStart);
      int status = Integer.parseInt(line, statusStart, statusEnd, 10);
      int bytesEnd = line.indexOf(' ', statusEnd + 1);
      int bytes = Integer.parseInt(line, statusEnd + 1, bytesEnd, 10);
      int agentStart = bytesEnd + 2;
      int agentEnd = line.indexOf('"', agentStart);
      String agent = line.substring(agentStart, agentEnd);
      long latency = Long.parseLong(line, agentEnd + 2, line.length(), 10);
      return new LogRecord(n, client, user, epochSecond, request[0], path, endpointOf(path),
          status, bytes, agent, latency);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("access log line " + n + " does not parse: " + line, e);
    }
  }

  /** Folds ids back into the route template: /api/orders/123 is /api/orders/{id}. */
  static String endpointOf(String path) {
    int slash = path.lastIndexOf('/');
    String last = path.substring(slash + 1);
    if (!last.isEmpty() && Character.isDigit(last.charAt(0))) {
      return path.substring(0, slash + 1) + "{id}";
    }
    if (last.startsWith("SKU-")) {
      return path.substring(0, slash + 1) + "{sku}";
    }
    return path;
  }
}
