package io.memspan.collector.ui;

/** A query parameter the API cannot use; answered with 400 naming {@link #parameter()}. */
final class BadParameterException extends RuntimeException {
  private final String parameter;

  BadParameterException(String parameter, String problem) {
    super("parameter '" + parameter + "': " + problem);
    this.parameter = parameter;
  }

  String parameter() {
    return parameter;
  }
}
