package io.watershed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code watershed config show}: the running server's effective configuration. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "The running server's configuration.",
    footer = {"", ExitCodes.FOOTER},
    subcommands = {ConfigCommand.Show.class})
final class ConfigCommand extends Group {

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print every setting of the running server (KEY = VALUE) and its bound ports.",
      footer = {"", ExitCodes.FOOTER})
  static final class Show extends ApiCommand {
    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    int run(AdminClient client) {
      JsonNode answer = client.get("/api/v1/config");
      if (json) {
        printJson(answer);
        return ExitCodes.OK;
      }
      answer
          .path("settings")
          .properties()
          .forEach(e -> out().println(e.getKey() + " = " + e.getValue().asText()));
      answer
          .path("boundPorts")
          .properties()
          .forEach(e -> out().println("# bound " + e.getKey() + " port: " + e.getValue().asText()));
      return ExitCodes.OK;
    }
  }
}
