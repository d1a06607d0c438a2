package io.memspan.agent.export;

import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * Counts every span the real exporter sent or failed to send, into the {@link ExportLedger}, with
 * the reason of a failure in words: a connection refused ("nothing listening at host:port") is
 * told apart from a connect that timed out ("collector at host:port did not answer within N ms").
 */
final class CountingSpanExporter implements SpanExporter {
  private final SpanExporter delegate;
  private final ExportLedger ledger;
  private final long connectTimeoutMillis;

  CountingSpanExporter(SpanExporter delegate, ExportLedger ledger, long connectTimeoutMillis) {
    this.delegate = delegate;
    this.ledger = ledger;
    this.connectTimeoutMillis = connectTimeoutMillis;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    int n = spans.size();
    CompletableResultCode result;
    try {
      result = delegate.export(spans);
    } catch (RuntimeException e) {
      failed(n, e);
      return CompletableResultCode.ofExceptionalFailure(e);
    }
    result.whenComplete(() -> {
      if (result.isSuccess()) {
        ledger.arrived();
        ledger.exported.add(n);
      } else {
        failed(n, result.getFailureThrowable());
      }
    });
    return result;
  }

  private void failed(int n, Throwable t) {
    // The reason first: whoever sees the count can read why.
    ConnectFailure f = ConnectFailure.of(t);
    ledger.failure(f != null ? f.describe(ledger.authority(), connectTimeoutMillis) : describe(t),
        f);
    ledger.failed.add(n);
  }

  static String describe(Throwable t) {
    if (t == null) {
      return "export failed";
    }
    // The SDK's failure types are internal to it but travel with it (same jar, same version).
    if (t instanceof FailedExportException.HttpExportException) {
      HttpResponse r = ((FailedExportException.HttpExportException) t).getResponse();
      if (r != null) {
        return "HTTP " + r.getStatusCode() + " " + r.getStatusMessage();
      }
    } else if (t instanceof FailedExportException.GrpcExportException) {
      GrpcResponse r = ((FailedExportException.GrpcExportException) t).getResponse();
      if (r != null) {
        return "gRPC " + r.getStatusCode() + " " + r.getStatusDescription();
      }
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() != null ? root.getMessage() : t.getMessage();
    return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }
}
