package io.watershed.cli;

import picocli.CommandLine.Option;

/** {@code --server URL}, shared by every command that talks to a server. */
public final class ServerOption {
  static final String ENV = "WATERSHED_SERVER";

  @Option(
      names = {"-s", "--server"},
      paramLabel = "URL",
      description =
          "The server's HTTP address (default: $" + ENV + ", else http://localhost:8080).")
  String server;

  String url() {
    if (server != null) {
      return server;
    }
    String env = System.getenv(ENV);
    return env == null || env.isBlank() ? "http://localhost:8080" : env;
  }
}
