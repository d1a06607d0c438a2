package io.memspan.agent.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class CopyChainsTest {

  @Test
  void everyInterleavedChainKeepsItsNameUpToTheTableSize() {
    CopyChains chains = new CopyChains();
    int n = CopyChains.CHAINS;
    Object[] current = new Object[n];
    int[] names = new int[n];
    for (int s = 0; s < n; s++) {
      current[s] = new byte[8];
      Object next = new byte[16];
      names[s] = chains.follow(current[s], next);
      assertEquals(System.identityHashCode(current[s]), names[s], "named after its first array");
      current[s] = next;
    }
    for (int round = 0; round < 5; round++) {
      for (int s = 0; s < n; s++) {
        Object next = new byte[32];
        assertEquals(names[s], chains.follow(current[s], next), "structure " + s + " round " + round);
        current[s] = next;
      }
    }
  }

  @Test
  void oneChainMoreThanTheTableRenamesTheOneGrownLongestAgo() {
    CopyChains chains = new CopyChains();
    int n = CopyChains.CHAINS + 1;
    Object[] current = new Object[n];
    int[] names = new int[n];
    for (int s = 0; s < n; s++) {
      current[s] = new byte[8];
      Object next = new byte[16];
      names[s] = chains.follow(current[s], next);
      current[s] = next;
    }
    assertNotEquals(names[0], chains.follow(current[0], new byte[32]), "evicted");
    for (int s = 2; s < n; s++) {
      assertEquals(names[s], chains.follow(current[s], new byte[32]));
    }
  }

  @Test
  void aFailedCopyEndsNothing() {
    CopyChains chains = new CopyChains();
    Object a1 = new byte[8];
    Object a2 = new byte[16];
    int name = chains.follow(a1, a2);
    chains.follow(a2, null);
    assertEquals(name, chains.follow(a2, new byte[32]));
  }
}
