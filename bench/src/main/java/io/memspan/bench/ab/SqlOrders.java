package io.memspan.bench.ab;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Whole workload two: H2 as an in-memory SQL database. It creates customer, product and order
 * tables, inserts the orders in JDBC batches, then runs GROUP BY, ORDER BY and JOIN queries; the
 * hash maps, array lists and sort buffers H2 grows for them are library code nobody here wrote.
 *
 * <p>usage: SqlOrders [rows] (default {@value #DEFAULT_ROWS} order rows)
 */
public final class SqlOrders {
  static final int DEFAULT_ROWS = 80_000;
  static final int CUSTOMERS = 5_000;
  static final int PRODUCTS = 2_000;
  static final int BATCH = 1_000;

  private static final String[] QUERIES = {
    "SELECT customer_id, SUM(qty * cents) AS spent FROM orders GROUP BY customer_id"
        + " ORDER BY spent DESC, customer_id LIMIT 200",
    "SELECT c.country, o.status, COUNT(*), SUM(o.qty) FROM orders o"
        + " JOIN customers c ON o.customer_id = c.id GROUP BY c.country, o.status"
        + " ORDER BY c.country, o.status",
    "SELECT p.category, COUNT(DISTINCT o.customer_id), SUM(o.qty * o.cents) FROM orders o"
        + " JOIN products p ON o.product_id = p.id GROUP BY p.category ORDER BY p.category",
    "SELECT o.id, c.name, p.name, o.cents FROM orders o JOIN customers c ON o.customer_id = c.id"
        + " JOIN products p ON o.product_id = p.id ORDER BY o.cents DESC, o.id LIMIT 2000",
    "SELECT product_id, COUNT(*) FROM orders WHERE status <> 'CANCELLED' GROUP BY product_id"
        + " HAVING COUNT(*) > 90 ORDER BY product_id",
  };

  private SqlOrders() {}

  public static void main(String[] args) throws SQLException {
    int rows = args.length > 0 ? Workloads.positive(args[0], "rows") : DEFAULT_ROWS;
    long t0 = System.nanoTime();
    long checksum = run(rows);
    Workloads.report("sql-orders", checksum, t0);
  }

  /** Loads and queries a fresh in-memory database; the checksum depends only on {@code rows}. */
  static long run(int rows) throws SQLException {
    // A private database per run (it is dropped when its last connection closes).
    String url = "jdbc:h2:mem:orders-" + UUID.randomUUID();
    try (Connection db = DriverManager.getConnection(url)) {
      load(db, rows);
      long checksum = 0;
      try (Statement st = db.createStatement()) {
        for (String q : QUERIES) {
          try (ResultSet rs = st.executeQuery(q)) {
            checksum = checksum * 1_000_003 + digest(rs);
          }
        }
      }
      return checksum;
    }
  }

  private static void load(Connection db, int rows) throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(64), country CHAR(2))");
      st.execute("CREATE TABLE products (id INT PRIMARY KEY, name VARCHAR(64), category VARCHAR(16))");
      st.execute("CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, product_id INT,"
          + " qty INT, cents BIGINT, status VARCHAR(12))");
    }
    SplittableRandom rnd = new SplittableRandom(42);
    db.setAutoCommit(false);
    try (PreparedStatement ins = db.prepareStatement("INSERT INTO customers VALUES (?, ?, ?)")) {
      for (int i = 0; i < CUSTOMERS; i++) {
        ins.setInt(1, i);
        ins.setString(2, "Customer number " + i);
        ins.setString(3, COUNTRIES[i % COUNTRIES.length]);
        addToBatch(ins, i);
      }
      ins.executeBatch();
    }
    try (PreparedStatement ins = db.prepareStatement("INSERT INTO products VALUES (?, ?, ?)")) {
      for (int i = 0; i < PRODUCTS; i++) {
        ins.setInt(1, i);
        ins.setString(2, "Product " + i);
        ins.setString(3, CATEGORIES[rnd.nextInt(CATEGORIES.length)]);
        addToBatch(ins, i);
      }
      ins.executeBatch();
    }
    try (PreparedStatement ins = db.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)")) {
      for (int i = 0; i < rows; i++) {
        ins.setInt(1, i);
        ins.setInt(2, rnd.nextInt(CUSTOMERS));
        ins.setInt(3, rnd.nextInt(PRODUCTS));
        ins.setInt(4, 1 + rnd.nextInt(20));
        ins.setLong(5, 99 + rnd.nextInt(50_000));
        ins.setString(6, STATUSES[rnd.nextInt(STATUSES.length)]);
        addToBatch(ins, i);
      }
      ins.executeBatch();
    }
    db.commit();
    db.setAutoCommit(true);
  }

  private static void addToBatch(PreparedStatement ins, int i) throws SQLException {
    ins.addBatch();
    if ((i + 1) % BATCH == 0) {
      ins.executeBatch();
    }
  }

  private static long digest(ResultSet rs) throws SQLException {
    int cols = rs.getMetaData().getColumnCount();
    long h = 0;
    while (rs.next()) {
      for (int c = 1; c <= cols; c++) {
        h = h * 31 + String.valueOf(rs.getObject(c)).hashCode();
      }
    }
    return h;
  }

  private static final String[] COUNTRIES = {"DE", "FR", "US", "JP", "BR", "IN", "NG", "SE"};
  private static final String[] CATEGORIES = {"books", "garden", "toys", "tools", "food", "music"};
  private static final String[] STATUSES = {"NEW", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"};
}
