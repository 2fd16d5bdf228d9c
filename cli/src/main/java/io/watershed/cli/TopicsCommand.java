package io.watershed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code watershed topics list|create|describe|alter|delete}. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "Manage topics.",
    footer = {"", ExitCodes.FOOTER},
    subcommands = {
      TopicsCommand.ListTopics.class,
      TopicsCommand.Create.class,
      TopicsCommand.Describe.class,
      TopicsCommand.Alter.class,
      TopicsCommand.Delete.class
    })
final class TopicsCommand extends Group {

  static String topicPath(String topic) {
    return "/api/v1/topics/" + AdminClient.segment(topic);
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List topics with their partitions, records and size.",
      footer = {"", ExitCodes.FOOTER})
  static final class ListTopics extends ApiCommand {
    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Option(names = "--no-internal", description = "Leave out Watershed's internal topics.")
    boolean noInternal;

    @Override
    int run(AdminClient client) {
      JsonNode answer =
          client.get(AdminClient.path("/api/v1/topics", Map.of("internal", !noInternal)));
      if (json) {
        printJson(answer);
        return ExitCodes.OK;
      }
      Table t = new Table("TOPIC", "PARTITIONS", "RECORDS", "SIZE", "CLEANUP", "INTERNAL");
      for (JsonNode topic : answer.path("topics")) {
        t.row(
            topic.path("name").asText(),
            topic.path("partitions").asInt(),
            topic.path("records").asLong(),
            Units.bytes(topic.path("sizeBytes").asLong()),
            topic.path("cleanupPolicy").asText(),
            topic.path("internal").asBoolean() ? "yes" : "");
      }
      t.print(out());
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a topic.",
      footer = {"", ExitCodes.FOOTER})
  static final class Create extends ApiCommand {
    @Parameters(paramLabel = "TOPIC", description = "The topic's name.")
    String topic;

    @Option(
        names = {"-p", "--partitions"},
        paramLabel = "N",
        defaultValue = "1",
        description = "Partitions (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
        names = {"-c", "--config"},
        paramLabel = "KEY=VALUE",
        description = "A topic config, e.g. retention.ms=86400000 (repeatable).")
    Map<String, String> configs = new LinkedHashMap<>();

    @Override
    int run(AdminClient client) {
      if (partitions < 1) {
        throw usage("--partitions must be at least 1");
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", topic);
      body.put("partitions", partitions);
      body.put("configs", configs);
      JsonNode t = client.post("/api/v1/topics", body);
      out()
          .println(
              "created topic "
                  + t.path("name").asText()
                  + " with "
                  + t.path("partitionCount").asInt()
                  + " partition(s)");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = "Show a topic's partitions (offsets, size, segments) and its configs.",
      footer = {"", ExitCodes.FOOTER})
  static final class Describe extends ApiCommand {
    @Parameters(paramLabel = "TOPIC")
    String topic;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    int run(AdminClient client) {
      JsonNode t = client.get(topicPath(topic));
      if (json) {
        printJson(t);
        return ExitCodes.OK;
      }
      out()
          .println(
              "Topic: "
                  + t.path("name").asText()
                  + "  id: "
                  + t.path("topicId").asText()
                  + "  partitions: "
                  + t.path("partitionCount").asInt()
                  + "  records: "
                  + t.path("records").asLong()
                  + "  size: "
                  + Units.bytes(t.path("sizeBytes").asLong())
                  + (t.path("internal").asBoolean() ? "  (internal)" : ""));
      out().println();
      Table p = new Table("PARTITION", "START", "END", "RECORDS", "SIZE", "SEGMENTS");
      for (JsonNode part : t.path("partitions")) {
        p.row(
            part.path("partition").asInt(),
            part.path("startOffset").asLong(),
            part.path("endOffset").asLong(),
            part.path("records").asLong(),
            Units.bytes(part.path("sizeBytes").asLong()),
            part.path("segments").asInt());
      }
      p.print(out());
      out().println();
      Table c = new Table("CONFIG", "VALUE", "SOURCE");
      t.path("configs")
          .properties()
          .forEach(
              e ->
                  c.row(
                      e.getKey(),
                      e.getValue().path("value").asText(),
                      e.getValue().path("source").asText()));
      c.print(out());
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "alter",
      mixinStandardHelpOptions = true,
      description = "Change a topic's configs, or raise its partition count.",
      footer = {"", ExitCodes.FOOTER})
  static final class Alter extends ApiCommand {
    @Parameters(paramLabel = "TOPIC")
    String topic;

    @Option(
        names = "--set",
        paramLabel = "KEY=VALUE",
        description = "Set a topic config (repeatable).")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(
        names = "--remove",
        paramLabel = "KEY",
        description = "Back to the default (repeatable).")
    List<String> remove = List.of();

    @Option(
        names = "--partitions",
        paramLabel = "N",
        description = "The new, larger partition count.")
    Integer partitions;

    @Override
    int run(AdminClient client) {
      if (set.isEmpty() && remove.isEmpty() && partitions == null) {
        throw usage("nothing to change: give --set, --remove or --partitions");
      }
      if (!set.isEmpty() || !remove.isEmpty()) {
        client.patch(topicPath(topic) + "/configs", Map.of("set", set, "remove", remove));
      }
      if (partitions != null) {
        client.post(topicPath(topic) + "/partitions", Map.of("count", partitions));
      }
      out().println("altered topic " + topic);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a topic and all its records.",
      footer = {"", ExitCodes.FOOTER})
  static final class Delete extends ApiCommand {
    @Parameters(paramLabel = "TOPIC")
    String topic;

    @Override
    int run(AdminClient client) {
      client.delete(topicPath(topic));
      out().println("deleted topic " + topic);
      return ExitCodes.OK;
    }
  }
}
