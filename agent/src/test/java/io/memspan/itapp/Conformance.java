package io.memspan.itapp;

import com.google.common.collect.testing.MapTestSuiteBuilder;
import com.google.common.collect.testing.TestStringMapGenerator;
import com.google.common.collect.testing.TestsForListsInJavaUtil;
import com.google.common.collect.testing.TestsForMapsInJavaUtil;
import com.google.common.collect.testing.TestsForQueuesInJavaUtil;
import com.google.common.collect.testing.TestsForSetsInJavaUtil;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.MapFeature;
import static com.google.common.collect.testing.Helpers.getMethod;

import com.google.common.collect.testing.testers.CollectionAddAllTester;
import com.google.common.collect.testing.testers.CollectionAddTester;
import com.google.common.collect.testing.testers.SetHashCodeTester;
import com.google.common.collect.testing.testers.CollectionIteratorTester;
import com.google.common.collect.testing.testers.MapHashCodeTester;
import com.google.common.collect.testing.testers.MapMergeTester;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import junit.framework.Test;
import junit.framework.TestResult;
import junit.framework.TestSuite;

/**
 * Guava's collection conformance suites for the JDK structures memspan instruments, run as a
 * plain program so a test can run it under the agent. Prints one summary line; exits 1 on any
 * failure or error (and prints them).
 */
public final class Conformance {
  private Conformance() {}

  public static void main(String[] args) {
    TestSuite all = new TestSuite("memspan conformance");
    all.addTest(new TestsForListsInJavaUtil().testsForArrayList());
    all.addTest(new TestsForQueuesInJavaUtil().testsForArrayDeque());
    all.addTest(new TestsForQueuesInJavaUtil().testsForPriorityQueue());
    TestsForMapsInJavaUtil maps = new JdkMaps();
    all.addTest(maps.testsForHashMap());
    all.addTest(maps.testsForLinkedHashMap());
    all.addTest(maps.testsForConcurrentHashMap());
    all.addTest(maps.testsForHashtable());
    all.addTest(new TestsForSetsInJavaUtil().testsForHashSet());
    all.addTest(new TestsForSetsInJavaUtil().testsForLinkedHashSet());
    all.addTest(identityHashMap());
    all.addTest(weakHashMap());

    TestResult result = new TestResult();
    all.run(result);
    result.failures().asIterator().forEachRemaining(f -> System.out.println("FAILURE " + f));
    result.errors().asIterator().forEachRemaining(f -> System.out.println("ERROR " + f));
    System.out.println("conformance: " + result.runCount() + " run, " + result.failureCount()
        + " failures, " + result.errorCount() + " errors");
    System.exit(result.wasSuccessful() ? 0 : 1);
  }

  /*
   * Suppressed: tests that fail on the JDK itself, without the agent (the JDK's documented
   * behaviour differs from Guava's expectation), as Guava's own OpenJDK suites suppress them.
   * GuavaConformanceIT runs the suites without the agent too, to show the baseline is clean.
   */
  private static final class JdkMaps extends TestsForMapsInJavaUtil {
    @Override
    protected Collection<Method> suppressForHashtable() {
      // Hashtable.merge calls the function for an existing key even when given a null value
      return List.of(getMethod(MapMergeTester.class, "testMergeNullValue"));
    }

    @Override
    protected Collection<Method> suppressForConcurrentHashMap() {
      // keySet().add on ConcurrentHashMap throws for its own reasons, not as Guava expects
      return List.of(getMethod(CollectionAddAllTester.class, "testAddAll_unsupportedNonePresent"),
          getMethod(CollectionAddAllTester.class, "testAddAll_unsupportedSomePresent"),
          getMethod(CollectionAddTester.class, "testAdd_unsupportedNotPresent"));
    }
  }

  private static Test identityHashMap() {
    // The generator's sample keys are string literals (one instance each), so identity and
    // equality agree on them; features are what IdentityHashMap supports.
    return MapTestSuiteBuilder.using(new TestStringMapGenerator() {
          @Override
          protected Map<String, String> create(Map.Entry<String, String>[] entries) {
            Map<String, String> m = new IdentityHashMap<>();
            for (Map.Entry<String, String> e : entries) {
              m.put(e.getKey(), e.getValue());
            }
            return m;
          }
        })
        .named("IdentityHashMap")
        .withFeatures(MapFeature.GENERAL_PURPOSE, MapFeature.ALLOWS_NULL_KEYS,
            MapFeature.ALLOWS_NULL_VALUES, MapFeature.ALLOWS_ANY_NULL_QUERIES,
            CollectionFeature.SUPPORTS_ITERATOR_REMOVE, CollectionSize.ANY)
        // identity hash codes, by design, are not the element hash codes Guava sums
        .suppressing(getMethod(MapHashCodeTester.class, "testHashCode"),
            getMethod(MapHashCodeTester.class, "testHashCode_containingNullKey"),
            getMethod(MapHashCodeTester.class, "testHashCode_containingNullValue"),
            getMethod(SetHashCodeTester.class, "testHashCode"),
            getMethod(SetHashCodeTester.class, "testHashCode_containingNull"))
        .createTestSuite();
  }

  private static Test weakHashMap() {
    return MapTestSuiteBuilder.using(new TestStringMapGenerator() {
          @Override
          protected Map<String, String> create(Map.Entry<String, String>[] entries) {
            Map<String, String> m = new WeakHashMap<>();
            for (Map.Entry<String, String> e : entries) {
              m.put(e.getKey(), e.getValue());
            }
            return m;
          }
        })
        .named("WeakHashMap")
        .withFeatures(MapFeature.GENERAL_PURPOSE, MapFeature.ALLOWS_NULL_KEYS,
            MapFeature.ALLOWS_NULL_VALUES, MapFeature.ALLOWS_ANY_NULL_QUERIES,
            CollectionFeature.SUPPORTS_ITERATOR_REMOVE, CollectionSize.ANY)
        // WeakHashMap's iterators refuse remove() after a hasNext() that followed next()
        .suppressing(getMethod(CollectionIteratorTester.class,
            "testIterator_unknownOrderRemoveSupported"))
        .createTestSuite();
  }
}
