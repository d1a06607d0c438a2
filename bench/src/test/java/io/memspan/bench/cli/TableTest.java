package io.memspan.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void alignsTextLeftAndNumbersRight() {
    String out = new Table("name", "count>").row("HashMap.resize", "12").row("ArrayList.grow", "1,234")
        .render("  ");
    assertEquals(""
        + "  name            count\n"
        + "  --------------  -----\n"
        + "  HashMap.resize     12\n"
        + "  ArrayList.grow  1,234\n", out);
  }

  @Test
  void rowMustMatchColumns() {
    assertThrows(IllegalArgumentException.class, () -> new Table("a", "b").row("x"));
  }

  @Test
  void humanBytes() {
    assertEquals("512 B", Table.bytes(512));
    assertEquals("64.0 MiB", Table.bytes(64L << 20));
    assertEquals("1.5 KiB", Table.bytes(1536));
  }
}
