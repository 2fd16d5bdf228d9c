package io.watershed.server;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code watershed version}: prints {@code watershed <version>}. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Print the Watershed version.")
final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println("watershed " + Version.get());
    spec.commandLine().getOut().flush();
    return Main.EXIT_OK;
  }
}
