package io.memspan.collector.store;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared copy of each recurring string (attribute keys, service, span, thread and class
 * names): every decoded span would otherwise hold its own copies, and they are most of its bytes.
 * Bounded, so hostile or high-cardinality values cannot grow it without limit; past the bound,
 * strings are simply kept unshared.
 */
final class StringPool {
  static final int MAX_ENTRIES = 65_536;
  static final int MAX_LENGTH = 512;

  private final ConcurrentHashMap<String, String> pool = new ConcurrentHashMap<>();

  String share(String s) {
    if (s.length() > MAX_LENGTH) return s;
    String shared = pool.get(s);
    if (shared != null) return shared;
    if (pool.size() >= MAX_ENTRIES) return s;
    shared = pool.putIfAbsent(s, s);
    return shared == null ? s : shared;
  }
}
