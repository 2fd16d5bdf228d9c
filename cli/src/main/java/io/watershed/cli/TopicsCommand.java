package io.watershed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code watershed topics list|create|describe|alter|delete|verify|repair}. */
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
      TopicsCommand.Delete.class,
      TopicsCommand.Verify.class,
      TopicsCommand.Repair.class
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
      Table p = new Table("PARTITION", "START", "END", "RECORDS", "SIZE", "SEGMENTS", "STATE");
      for (JsonNode part : t.path("partitions")) {
        p.row(
            part.path("partition").asInt(),
            part.path("startOffset").asLong(),
            part.path("endOffset").asLong(),
            part.path("records").asLong(),
            Units.bytes(part.path("sizeBytes").asLong()),
            part.path("segments").asInt(),
            state(part));
      }
      p.print(out());
      for (JsonNode part : t.path("partitions")) {
        if (part.has("fenced")) {
          out()
              .println(
                  "partition "
                      + part.path("partition").asInt()
                      + ": "
                      + part.path("fenced").asText());
        }
        printDamage(out(), part.path("partition").asInt(), part.path("damaged"));
      }
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

  /** "ok", or what is wrong with a partition, for the describe table. */
  private static String state(JsonNode partition) {
    int damaged = partition.path("damaged").size();
    boolean writable = partition.path("writable").asBoolean(true);
    if (damaged == 0 && writable) {
      return "ok";
    }
    String s = writable ? "" : "refuses writes";
    if (damaged > 0) {
      s += (s.isEmpty() ? "" : ", ") + damaged + " damaged range" + (damaged == 1 ? "" : "s");
    }
    return s;
  }

  /** One line per damaged range of a partition. */
  static void printDamage(PrintWriter out, int partition, JsonNode ranges) {
    for (JsonNode d : ranges) {
      JsonNode end = d.path("endOffset");
      out.println(
          "partition "
              + partition
              + ": offsets "
              + d.path("firstOffset").asLong()
              + (end.isNull() || end.isMissingNode()
                  ? " onwards (end unknown)"
                  : " to " + (end.asLong() - 1))
              + " damaged: "
              + d.path("bytes").asLong()
              + " bytes at "
              + d.path("segment").asText()
              + ":"
              + d.path("position").asLong()
              + " ("
              + d.path("problem").asText()
              + ")");
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Check every batch of every partition of a topic on disk now (CRC32C and framing; reads"
            + " the whole topic) and list the damaged ranges.",
        "Exits 0 when the topic is intact, 1 when damage was found."
      },
      footer = {"", ExitCodes.FOOTER})
  static final class Verify extends ApiCommand {
    @Parameters(paramLabel = "TOPIC")
    String topic;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    int run(AdminClient client) {
      JsonNode answer = client.post(topicPath(topic) + "/verify", Map.of());
      int damaged = 0;
      for (JsonNode part : answer.path("partitions")) {
        damaged += part.path("damaged").size();
      }
      if (json) {
        printJson(answer);
      } else {
        for (JsonNode part : answer.path("partitions")) {
          printDamage(out(), part.path("partition").asInt(), part.path("damaged"));
        }
        out()
            .println(
                damaged == 0
                    ? "topic " + topic + " is intact"
                    : damaged
                        + " damaged range(s) in "
                        + topic
                        + "; skip them with: watershed topics repair "
                        + topic
                        + " --partition N --execute");
      }
      return damaged == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }
  }

  @Command(
      name = "repair",
      mixinStandardHelpOptions = true,
      description = {
        "Skip the damaged ranges of a partition, on purpose: their bytes are removed and their"
            + " offsets become a gap that readers step over; a damaged end of unknown extent is"
            + " cut so that appends resume. What is skipped is lost.",
        "Without --execute, only lists what would be skipped."
      },
      footer = {"", ExitCodes.FOOTER})
  static final class Repair extends ApiCommand {
    @Parameters(paramLabel = "TOPIC")
    String topic;

    @Option(
        names = {"-p", "--partition"},
        paramLabel = "N",
        required = true,
        description = "The partition to repair.")
    int partition;

    @Option(names = "--execute", description = "Skip the damage (else: a dry run).")
    boolean execute;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    int run(AdminClient client) {
      JsonNode answer =
          client.post(
              AdminClient.path(
                  topicPath(topic) + "/partitions/" + partition + "/repair",
                  Map.of("dryRun", !execute)),
              Map.of());
      if (json) {
        printJson(answer);
        return ExitCodes.OK;
      }
      JsonNode skipped = answer.path("skipped");
      printDamage(out(), partition, skipped);
      if (skipped.isEmpty()) {
        out().println("partition " + partition + " of " + topic + " has no damage");
      } else if (execute) {
        out()
            .println(
                "skipped "
                    + skipped.size()
                    + " damaged range(s); the partition ends at offset "
                    + answer.path("endOffset").asLong());
      } else {
        out().println("dry run: add --execute to skip these ranges (their records are lost)");
      }
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
