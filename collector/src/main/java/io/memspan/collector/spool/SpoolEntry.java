package io.memspan.collector.spool;

/**
 * One acknowledged export request as it sits in the spool. The payload is always the OTLP
 * protobuf encoding ({@code ExportTraceServiceRequest} / {@code ExportMetricsServiceRequest}),
 * whatever encoding the client used: JSON is converted on receipt.
 *
 * @param position the record's place in the spool; strictly increasing, stable across restarts
 */
public record SpoolEntry(long position, Signal signal, long receivedEpochMillis, byte[] payload) {}
