package io.memspan.bench.ab;

import picocli.CommandLine;

/**
 * How the harnesses run their picocli command: bad input, which they report as an
 * {@link IllegalArgumentException} whose message names it, is one line on stderr and exit code 2;
 * any other failure propagates with its stack trace.
 */
public final class HarnessCommand {
  private HarnessCommand() {}

  /** Runs {@code command} on {@code args} and returns the exit code for {@code System.exit}. */
  public static int execute(Object command, String[] args) {
    return new CommandLine(command)
        .setExecutionExceptionHandler((e, cl, parsed) -> {
          if (!(e instanceof IllegalArgumentException)) {
            throw e;
          }
          cl.getErr().println(e.getMessage());
          return 2;
        })
        .execute(args);
  }
}
