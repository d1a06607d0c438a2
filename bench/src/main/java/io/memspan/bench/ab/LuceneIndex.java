package io.memspan.bench.ab;

import java.io.IOException;
import java.util.SplittableRandom;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Whole workload three: Lucene indexes generated articles (a title, a body of skewed words, a
 * year) into an in-memory directory and then counts the hits of term, boolean, phrase and range
 * queries. Everything runs on the calling thread (a serial merge scheduler, a searcher without
 * an executor), so its CPU time is the workload's. Lucene grows its own buffers (postings,
 * byte blocks, {@code ArrayUtil.grow}) and the JDK collections inside the indexing chain: library
 * code nobody here wrote. The checksum is made of exact hit counts, which depend on the
 * documents only, not on how segments were flushed or merged.
 *
 * <p>usage: LuceneIndex [docs] (default {@value #DEFAULT_DOCS})
 */
public final class LuceneIndex {
  static final int DEFAULT_DOCS = 30_000;
  private static final int VOCABULARY = 5_000;
  private static final int QUERIES = 300;

  private LuceneIndex() {}

  public static void main(String[] args) throws IOException {
    int docs = args.length > 0 ? Workloads.positive(args[0], "docs") : DEFAULT_DOCS;
    long t0 = System.nanoTime();
    long checksum = run(docs);
    Workloads.report("lucene-index", checksum, t0);
  }

  /** Indexes {@code docs} documents and runs the queries; the checksum depends only on docs. */
  static long run(int docs) throws IOException {
    SplittableRandom rnd = new SplittableRandom(7);
    try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
      IndexWriterConfig config = new IndexWriterConfig(new StandardAnalyzer())
          .setMergeScheduler(new SerialMergeScheduler())
          .setRAMBufferSizeMB(16);
      try (IndexWriter writer = new IndexWriter(dir, config)) {
        for (int i = 0; i < docs; i++) {
          Document d = new Document();
          d.add(new StringField("id", "D" + i, Field.Store.YES));
          d.add(new TextField("title", words(rnd, 4 + rnd.nextInt(6)), Field.Store.YES));
          d.add(new TextField("body", words(rnd, 30 + rnd.nextInt(60)), Field.Store.NO));
          d.add(new IntPoint("year", 1990 + rnd.nextInt(36)));
          writer.addDocument(d);
        }
        writer.forceMerge(4);
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        long sum = reader.numDocs();
        SplittableRandom q = new SplittableRandom(11);
        for (int i = 0; i < QUERIES; i++) {
          String a = word(q);
          String b = word(q);
          BooleanQuery both = new BooleanQuery.Builder()
              .add(new TermQuery(new Term("body", a)), BooleanClause.Occur.MUST)
              .add(new TermQuery(new Term("title", b)), BooleanClause.Occur.SHOULD)
              .add(IntPoint.newRangeQuery("year", 2000, 2015), BooleanClause.Occur.FILTER)
              .build();
          sum = sum * 31 + searcher.count(new TermQuery(new Term("body", a)));
          sum = sum * 31 + searcher.count(both);
          sum = sum * 31 + searcher.count(new PhraseQuery("body", a, b));
        }
        return sum;
      }
    }
  }

  private static String words(SplittableRandom rnd, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(word(rnd));
    }
    return sb.toString();
  }

  /** A skewed pick from the vocabulary: a few words are common, most are rare, as in text. */
  private static String word(SplittableRandom rnd) {
    double u = rnd.nextDouble();
    int index = (int) (u * u * u * VOCABULARY);
    return WORD_STEMS[index % WORD_STEMS.length] + Integer.toString(index, 36);
  }

  private static final String[] WORD_STEMS = {"al", "be", "co", "de", "ex", "fo", "ga", "hu",
      "in", "jo", "ka", "lu", "me", "no", "or", "pa", "qu", "re", "si", "to", "un", "ve"};
}
