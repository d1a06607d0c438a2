package io.memspan.bench.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The instructions of one Dockerfile that the checks need (continuation lines joined). */
record Dockerfile(Path path, List<String[]> instructions) {

  static Dockerfile read(Path path) throws IOException {
    List<String[]> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(path)) {
      String t = line.strip();
      if (current.length() == 0 && (t.isEmpty() || t.startsWith("#"))) {
        continue;
      }
      if (t.endsWith("\\")) {
        current.append(t, 0, t.length() - 1).append(' ');
        continue;
      }
      current.append(t);
      String s = current.toString().strip();
      int sp = s.indexOf(' ');
      out.add(new String[] {s.substring(0, sp).toUpperCase(), s.substring(sp + 1).strip()});
      current.setLength(0);
    }
    return new Dockerfile(path, out);
  }

  List<String> all(String instruction) {
    List<String> v = new ArrayList<>();
    for (String[] i : instructions) {
      if (i[0].equals(instruction)) {
        v.add(i[1]);
      }
    }
    return v;
  }

  /** The single value of an instruction that must appear once (FROM, USER, CMD, ...); null if absent. */
  String one(String instruction) {
    List<String> v = all(instruction);
    if (v.size() > 1) {
      throw new AssertionError(path + " has " + v.size() + " " + instruction + " instructions");
    }
    return v.isEmpty() ? null : v.get(0);
  }

  /** An exec-form (JSON array) instruction's words. */
  List<String> exec(String instruction) throws IOException {
    String v = one(instruction);
    if (v == null) {
      return List.of();
    }
    if (!v.startsWith("[")) {
      throw new AssertionError(path + ": " + instruction + " should use the exec (JSON array) form: " + v);
    }
    return Arrays.asList(new ObjectMapper().readValue(v, String[].class));
  }
}
