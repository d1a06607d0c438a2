package io.memspan.bench.ab;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Whole workload one: Jackson parses a generated orders document (nested orders, customers and
 * line items) into plain Map/List trees, the way untyped JSON handling usually goes, and the trees
 * are aggregated into per-customer and per-SKU totals. The growth inside Jackson's
 * deserializers is library code nobody here wrote.
 *
 * <p>usage: JsonOrders [orders] (default {@value #DEFAULT_ORDERS}, about 27 MB of JSON)
 */
public final class JsonOrders {
  static final int DEFAULT_ORDERS = 80_000;

  private JsonOrders() {}

  public static void main(String[] args) throws IOException {
    int orders = args.length > 0 ? Workloads.positive(args[0], "orders") : DEFAULT_ORDERS;
    long t0 = System.nanoTime();
    long checksum = run(orders);
    Workloads.report("json-orders", checksum, t0);
  }

  /** Generates, parses and aggregates; the checksum depends only on {@code orders}. */
  static long run(int orders) throws IOException {
    byte[] json = generate(orders);
    Object tree = new ObjectMapper().readValue(json, Object.class);
    return aggregate(tree) * 31 + json.length;
  }

  static byte[] generate(int orders) throws IOException {
    SplittableRandom rnd = new SplittableRandom(42);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("source", "memspan-bench");
      g.writeArrayFieldStart("orders");
      for (int i = 0; i < orders; i++) {
        g.writeStartObject();
        g.writeNumberField("id", i);
        g.writeObjectFieldStart("customer");
        int customer = rnd.nextInt(5000);
        g.writeStringField("id", "C" + customer);
        g.writeStringField("name", "Customer number " + customer);
        g.writeStringField("country", COUNTRIES[customer % COUNTRIES.length]);
        g.writeEndObject();
        g.writeArrayFieldStart("items");
        int items = 1 + rnd.nextInt(8);
        for (int k = 0; k < items; k++) {
          g.writeStartObject();
          g.writeStringField("sku", "SKU-" + rnd.nextInt(2000));
          g.writeNumberField("qty", 1 + rnd.nextInt(20));
          g.writeNumberField("cents", 99 + rnd.nextInt(50_000));
          g.writeArrayFieldStart("tags");
          for (int t = rnd.nextInt(4); t > 0; t--) {
            g.writeString(TAGS[rnd.nextInt(TAGS.length)]);
          }
          g.writeEndArray();
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("status", STATUSES[rnd.nextInt(STATUSES.length)]);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  @SuppressWarnings("unchecked")
  static long aggregate(Object tree) {
    Map<String, Long> centsByCustomer = new HashMap<>();
    Map<String, Long> qtyBySku = new HashMap<>();
    Map<String, Integer> byStatus = new HashMap<>();
    for (Object o : (List<Object>) ((Map<String, Object>) tree).get("orders")) {
      Map<String, Object> order = (Map<String, Object>) o;
      String customer = (String) ((Map<String, Object>) order.get("customer")).get("id");
      byStatus.merge((String) order.get("status"), 1, Integer::sum);
      for (Object it : (List<Object>) order.get("items")) {
        Map<String, Object> item = (Map<String, Object>) it;
        long qty = ((Number) item.get("qty")).longValue();
        long cents = ((Number) item.get("cents")).longValue();
        centsByCustomer.merge(customer, qty * cents, Long::sum);
        qtyBySku.merge((String) item.get("sku"), qty, Long::sum);
      }
    }
    return Workloads.digest(centsByCustomer) * 31 + Workloads.digest(qtyBySku) * 17
        + Workloads.digest(byStatus);
  }

  private static final String[] COUNTRIES = {"DE", "FR", "US", "JP", "BR", "IN", "NG", "SE"};
  private static final String[] TAGS = {"gift", "fragile", "express", "bulk", "promo", "return"};
  private static final String[] STATUSES = {"NEW", "PAID", "SHIPPED", "DELIVERED", "CANCELLED"};
}
