package io.memspan.agent.op;

/**
 * What initial capacity a call site should use for one structure type, and what that would have
 * saved over the ops observed there. Exported as a {@code memspan.advice} span per site.
 *
 * @param samples how many structures created at this site reached a final capacity we observed
 * @param recommendedCapacity ceil(mean + 2 sigma) elements for list-like structures,
 *     ceil(n / loadFactor) + 1 for hash structures
 */
public record Advice(
    String structureType,
    CallSite callSite,
    long samples,
    double meanSize,
    double stddevSize,
    long maxSize,
    long recommendedCapacity,
    long resizesObserved,
    long resizesSaved,
    long bytesCopiedSaved,
    long faultsSaved) {}
