package io.memspan.agent.record;

/**
 * Names the structures whose growth hooks see only their arrays (string builders and byte-array
 * streams; see {@code HookSink.beginCopy}): each growth copies the array the previous growth of
 * the same structure made, so a structure is the chain of its arrays, named after the first one.
 * One table per thread, a few entries, no allocation: a chain whose entry was overwritten by a
 * colliding array starts again under a new name (the structure then counts twice in the advice).
 */
final class CopyChains {
  private static final int SIZE = 16;

  private final int[] arrayHashes = new int[SIZE];
  private final int[] names = new int[SIZE];

  /** The name of the structure whose {@code oldArray} became {@code newArray} (null: failed). */
  int follow(Object oldArray, Object newArray) {
    int oldHash = System.identityHashCode(oldArray);
    int i = oldHash & (SIZE - 1);
    int name = arrayHashes[i] == oldHash && names[i] != 0 ? names[i] : oldHash;
    if (newArray != null) {
      int newHash = System.identityHashCode(newArray);
      int j = newHash & (SIZE - 1);
      arrayHashes[j] = newHash;
      names[j] = name;
    }
    return name;
  }
}
