package io.watershed.cli;

import java.util.List;
import java.util.function.Supplier;

/** The administrative commands, for the {@code watershed} command line to add beside its own. */
public final class AdminCommands {
  private AdminCommands() {}

  /** A new instance of each command, in the order {@code --help} lists them. */
  public static List<Object> all() {
    List<Supplier<Object>> makers =
        List.of(
            TopicsCommand::new,
            GroupsCommand::new,
            StreamsCommand::new,
            KinesisCommand::new,
            ConfigCommand::new,
            ProduceCommand::new,
            ConsumeCommand::new);
    return makers.stream().map(Supplier::get).toList();
  }
}
