package io.watershed.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the server's admin API: it gets a client for {@code --server}, and any
 * {@link CliException} becomes one line on stderr ({@code watershed: <message>}) and its exit code.
 */
abstract class ApiCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ServerOption server;

  /** Does the work; returns the exit code. */
  abstract int run(AdminClient client) throws Exception;

  @Override
  public final Integer call() throws Exception {
    try {
      return run(new AdminClient(server.url()));
    } catch (CliException e) {
      err().println("watershed: " + e.getMessage());
      err().flush();
      return e.exitCode();
    } finally {
      out().flush();
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints a JSON answer as indented JSON. */
  void printJson(JsonNode node) {
    try {
      out().println(AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new CliException(ExitCodes.FAILURE, e.toString());
    }
  }

  static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message);
  }
}
