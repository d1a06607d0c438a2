package io.memspan.collector.store;

/**
 * Where a structure grows: its type and the first application frame ({@code code.*}).
 * Missing parts are empty strings and line 0.
 */
public record CallSite(String structureType, String function, String file, long line) {

  static CallSite of(StoredSpan s) {
    return new CallSite(
        nonNull(s.stringAttr(SpanAttributes.STRUCTURE_TYPE)),
        nonNull(s.stringAttr(SpanAttributes.CODE_FUNCTION)),
        nonNull(s.stringAttr(SpanAttributes.CODE_FILE)),
        s.longAttr(SpanAttributes.CODE_LINE));
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
