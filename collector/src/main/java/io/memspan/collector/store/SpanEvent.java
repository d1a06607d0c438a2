package io.memspan.collector.store;

import java.util.Map;

/** A span event as stored: for memspan, one memory syscall ({@code mmap}, {@code munmap}, ...) with its arguments. */
public record SpanEvent(String name, long timeUnixNano, Map<String, Object> attributes) {}
