package io.watershed.server;

import io.watershed.cli.AdminCommands;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code watershed} command line: {@code watershed server …}, {@code watershed version}, {@code
 * watershed --help}. Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.
 */
@Command(
    name = "watershed",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "One event-streaming log engine behind four front doors "
          + "(Kafka, EventStoreDB gRPC, Kinesis, Pulsar) and an HTTP endpoint.",
    },
    subcommands = {ServerCommand.class, VersionCommand.class, CommandLine.HelpCommand.class},
    footer = {
      "",
      "The administrative commands (topics, groups, streams, config, produce, consume) talk to a"
          + " running server's admin API (--server, default http://localhost:8080).",
      "",
      "Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error; the administrative"
          + " commands also 3 server unreachable, 4 not found, 5 conflict."
    })
public final class Main implements Callable<Integer> {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  /** When the JVM reached this class, for the "started in" log line. */
  static final long START_NANOS = System.nanoTime();

  private static final String NETTY_JFR = "io.netty.jfr.enabled";

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    // Netty 4.2 reports its buffer allocators' work as JFR events when the JDK has JFR. Defining
    // those event classes costs a few hundred milliseconds at the first buffer allocated, i.e. on
    // the first request a client sends after start-up, and a broker needs no such events.
    // -Dio.netty.jfr.enabled=true brings them back.
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
    System.exit(run(args));
  }

  /** Runs the command line with stdout/stderr and returns the exit code. */
  public static int run(String... args) {
    return commandLine(
            new PrintWriter(System.out, true, System.out.charset()),
            new PrintWriter(System.err, true, System.err.charset()))
        .execute(args);
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    for (Object command : AdminCommands.all()) {
      cli.addSubcommand(command);
    }
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine failed = ex.getCommandLine();
          failed
              .getErr()
              .println(
                  "watershed: "
                      + ex.getMessage()
                      + " (see '"
                      + failed.getCommandSpec().qualifiedName()
                      + " --help')");
          return EXIT_USAGE;
        });
    cli.setExecutionExceptionHandler(
        (ex, failed, parseResult) -> {
          failed.getErr().println("watershed: " + ex);
          ex.printStackTrace(failed.getErr());
          return EXIT_FAILURE;
        });
    return cli;
  }

  /** {@code watershed} alone: show the usage and fail. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return EXIT_USAGE;
  }

  /** Feeds {@code watershed --version}. */
  static final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"watershed " + Version.get()};
    }
  }
}
