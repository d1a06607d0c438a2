package io.memspan.bench.workload;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Token → the line numbers it occurs on, as a search engine's posting lists. */
final class InvertedIndex {

  private final Map<String, ArrayList<Integer>> postings = new HashMap<>();

  void add(LogRecord r) {
    post(r.client(), r.lineNumber());
    post(r.user(), r.lineNumber());
    post(r.method(), r.lineNumber());
    post(r.path(), r.lineNumber());
    post(Integer.toString(r.status()), r.lineNumber());
    for (String word : r.userAgent().split("[ /();]+")) {
      if (!word.isEmpty()) {
        post(word, r.lineNumber());
      }
    }
  }

  private void post(String token, int line) {
    postings.computeIfAbsent(token, t -> new ArrayList<>()).add(line);
  }

  int tokens() {
    return postings.size();
  }

  /** Lines containing every token (intersection of the posting lists, which are sorted). */
  List<Integer> query(String... tokens) {
    List<Integer> result = null;
    for (String t : tokens) {
      List<Integer> p = postings.getOrDefault(t, new ArrayList<>());
      if (result == null) {
        result = new ArrayList<>(p);
      } else {
        List<Integer> next = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < result.size() && j < p.size()) {
          int c = Integer.compare(result.get(i), p.get(j));
          if (c == 0) {
            next.add(result.get(i));
            i++;
            j++;
          } else if (c < 0) {
            i++;
          } else {
            j++;
          }
        }
        result = next;
      }
    }
    return result == null ? List.of() : result;
  }
}
