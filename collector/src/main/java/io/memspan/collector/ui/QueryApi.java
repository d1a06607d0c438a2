package io.memspan.collector.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.memspan.collector.store.CallSiteStats;
import io.memspan.collector.store.EmbeddedStore;
import io.memspan.collector.store.SpanEvent;
import io.memspan.collector.store.SpanQuery;
import io.memspan.collector.store.StoredSpan;
import io.memspan.collector.store.ThreadTimeline;
import io.memspan.collector.store.TimeSeries;
import io.memspan.collector.store.TraceSummary;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON query API over the {@link EmbeddedStore}, independent of HTTP: a path and its query
 * parameters in, a status and a JSON body out. Routes (all GET) are listed in collector/README.md.
 */
final class QueryApi {
  record Response(int status, byte[] json) {}

  private static final Pattern TRACE = Pattern.compile("/api/traces/([^/]+)");
  private static final Pattern SPAN = Pattern.compile("/api/traces/([^/]+)/spans/([^/]+)");
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");

  private static final int DEFAULT_TIMELINE_OPS = 1000;
  private static final int DEFAULT_BUCKETS = 60;

  private final EmbeddedStore store;
  private final ObjectMapper json = new ObjectMapper().registerModule(EpochNanos.asStrings());

  QueryApi(EmbeddedStore store) {
    this.store = store;
  }

  Response handle(String path, Map<String, List<String>> params) {
    try {
      return ok(route(path, params));
    } catch (BadParameterException e) {
      ObjectNode err = json.createObjectNode().put("error", e.getMessage()).put("parameter", e.parameter());
      return new Response(400, bytes(err));
    } catch (NotFound e) {
      return new Response(404, bytes(json.createObjectNode().put("error", e.getMessage())));
    }
  }

  private Object route(String path, Map<String, List<String>> params) {
    switch (path) {
      case "/api/stats":
        new QueryParams(params, Set.of());
        return store.stats();
      case "/api/services":
        new QueryParams(params, Set.of());
        return Map.of("services", store.services());
      case "/api/spans": {
        SpanQuery q = new QueryParams(params, QueryParams.FILTERS).spanQuery(SpanQuery.DEFAULT_LIMIT);
        ArrayNode spans = json.createArrayNode();
        for (StoredSpan s : store.spans(q)) spans.add(span(s));
        return json.createObjectNode().set("spans", spans);
      }
      case "/api/traces":
        return Map.of("traces",
            TraceSummary.find(store, new QueryParams(params, QueryParams.FILTERS).spanQuery(20)));
      case "/api/callsites":
        return Map.of("callSites", CallSiteStats.aggregate(store,
            new QueryParams(params, QueryParams.FILTERS).spanQuery(SpanQuery.MAX_LIMIT)));
      case "/api/advice":
        return Map.of("advice", CallSiteStats.advice(store,
            new QueryParams(params, QueryParams.FILTERS).spanQuery(SpanQuery.MAX_LIMIT)));
      case "/api/threads":
        return Map.of("threads", ThreadTimeline.of(store,
            new QueryParams(params, QueryParams.FILTERS).spanQuery(DEFAULT_TIMELINE_OPS)));
      case "/api/timeseries": {
        Set<String> allowed = new HashSet<>(QueryParams.FILTERS);
        allowed.remove("limit");
        allowed.add("buckets");
        QueryParams qp = new QueryParams(params, allowed);
        int buckets = qp.intParam("buckets", DEFAULT_BUCKETS, 1, TimeSeries.MAX_BUCKETS);
        return TimeSeries.of(store, qp.spanQuery(SpanQuery.DEFAULT_LIMIT), buckets);
      }
      default:
        break;
    }
    Matcher m = SPAN.matcher(path);
    if (m.matches()) {
      new QueryParams(params, Set.of());
      String traceId = traceId(m.group(1));
      String spanId = m.group(2);
      if (!SPAN_ID.matcher(spanId).matches()) {
        throw new BadParameterException("spanId", "expected 16 lower-case hex digits, got '" + spanId + "'");
      }
      StoredSpan s = store.span(traceId, spanId);
      if (s == null) throw new NotFound("no span " + spanId + " in trace " + traceId + " in the store");
      return span(s);
    }
    m = TRACE.matcher(path);
    if (m.matches()) {
      new QueryParams(params, Set.of());
      String traceId = traceId(m.group(1));
      List<StoredSpan> spans = store.trace(traceId);
      if (spans.isEmpty()) throw new NotFound("no trace " + traceId + " in the store");
      ArrayNode arr = json.createArrayNode();
      for (StoredSpan s : spans) arr.add(span(s));
      ObjectNode out = json.createObjectNode().put("traceId", traceId);
      out.set("spans", arr);
      return out;
    }
    throw new NotFound("no API route " + path);
  }

  private static String traceId(String id) {
    if (!TRACE_ID.matcher(id).matches()) {
      throw new BadParameterException("traceId", "expected 32 lower-case hex digits, got '" + id + "'");
    }
    return id;
  }

  /** A span as the API shows it: its record plus the derived figures the page needs. */
  private ObjectNode span(StoredSpan s) {
    ObjectNode n = json.createObjectNode()
        .put("traceId", s.traceId())
        .put("spanId", s.spanId())
        .put("parentSpanId", s.parentSpanId())
        .put("service", s.service())
        .put("name", s.name())
        .put("kind", s.kind())
        .put("startUnixNano", EpochNanos.text(s.startUnixNano()))
        .put("endUnixNano", EpochNanos.text(s.endUnixNano()))
        .put("durationNanos", s.durationNanos())
        .put("faults", s.faults())
        .put("statusCode", s.statusCode())
        .put("statusMessage", s.statusMessage())
        .put("scope", s.scope());
    n.set("attributes", json.valueToTree(s.attributes()));
    ArrayNode events = n.putArray("events");
    for (SpanEvent e : s.events()) events.add(json.valueToTree(e));
    n.set("resource", json.valueToTree(s.resource()));
    return n;
  }

  private Response ok(Object body) {
    return new Response(200, bytes(body));
  }

  private byte[] bytes(Object body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the API's own JSON", e);
    }
  }

  private static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message);
    }
  }
}
