package io.watershed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code watershed groups list|describe|reset-offsets}: Kafka consumer groups. */
@Command(
    name = "groups",
    mixinStandardHelpOptions = true,
    description = "Kafka consumer groups: members, lag, offset resets.",
    footer = {"", ExitCodes.FOOTER},
    subcommands = {
      GroupsCommand.ListGroups.class,
      GroupsCommand.Describe.class,
      GroupsCommand.ResetOffsets.class
    })
final class GroupsCommand extends Group {

  static String groupPath(String group) {
    return "/api/v1/groups/" + AdminClient.segment(group);
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List consumer groups with their state, members and total lag.",
      footer = {"", ExitCodes.FOOTER})
  static final class ListGroups extends ApiCommand {
    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    int run(AdminClient client) {
      JsonNode answer = client.get("/api/v1/groups");
      if (json) {
        printJson(answer);
        return ExitCodes.OK;
      }
      Table t = new Table("GROUP", "TYPE", "STATE", "MEMBERS", "LAG", "TOPICS");
      for (JsonNode g : answer.path("groups")) {
        t.row(
            g.path("groupId").asText(),
            g.path("type").asText(),
            g.path("state").asText(),
            g.path("members").asInt(),
            g.path("lag").asLong(),
            String.join(",", AdminClient.JSON.convertValue(g.path("topics"), String[].class)));
      }
      t.print(out());
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = "Show a group's members and its committed offsets and lag per partition.",
      footer = {"", ExitCodes.FOOTER})
  static final class Describe extends ApiCommand {
    @Parameters(paramLabel = "GROUP")
    String group;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    int run(AdminClient client) {
      JsonNode g = client.get(groupPath(group));
      if (json) {
        printJson(g);
        return ExitCodes.OK;
      }
      out()
          .println(
              "Group: "
                  + g.path("groupId").asText()
                  + "  type: "
                  + g.path("type").asText()
                  + "  state: "
                  + g.path("state").asText()
                  + "  members: "
                  + g.path("members").size()
                  + "  lag: "
                  + g.path("lag").asLong());
      out().println();
      Table offsets = new Table("TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "MEMBER");
      for (JsonNode o : g.path("offsets")) {
        offsets.row(
            o.path("topic").asText(),
            o.path("partition").asInt(),
            text(o.get("committedOffset")),
            text(o.get("endOffset")),
            text(o.get("lag")),
            text(o.get("memberId")));
      }
      offsets.print(out());
      if (!g.path("members").isEmpty()) {
        out().println();
        Table members = new Table("MEMBER", "CLIENT", "HOST", "ASSIGNMENT");
        for (JsonNode m : g.path("members")) {
          StringBuilder a = new StringBuilder();
          m.path("assignment")
              .properties()
              .forEach(
                  e -> a.append(a.isEmpty() ? "" : " ").append(e.getKey()).append(e.getValue()));
          members.row(
              m.path("memberId").asText(), m.path("clientId").asText(), m.path("host").asText(), a);
        }
        members.print(out());
      }
      return ExitCodes.OK;
    }

    private static String text(JsonNode n) {
      return n == null || n.isNull() ? "-" : n.asText();
    }
  }

  @Command(
      name = "reset-offsets",
      mixinStandardHelpOptions = true,
      description = {
        "Reset a group's committed offsets. Without --execute this is a dry run that shows what"
            + " would change. Refused while the group has active members, as Kafka does."
      },
      footer = {"", ExitCodes.FOOTER})
  static final class ResetOffsets extends ApiCommand {
    @Parameters(paramLabel = "GROUP")
    String group;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Topics topics;

    static final class Topics {
      @Option(names = "--topic", paramLabel = "TOPIC", description = "The topic to reset.")
      String topic;

      @Option(names = "--all-topics", description = "Every topic the group has offsets on.")
      boolean all;
    }

    @Option(
        names = "--partitions",
        paramLabel = "P",
        split = ",",
        description = "Only these partitions (comma separated; default all).")
    List<Integer> partitions = List.of();

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
      @Option(names = "--to-earliest", description = "To the first offset of each partition.")
      boolean earliest;

      @Option(names = "--to-latest", description = "To the end of each partition.")
      boolean latest;

      @Option(names = "--to-offset", paramLabel = "OFFSET", description = "To this offset.")
      Long offset;

      @Option(
          names = "--to-datetime",
          paramLabel = "TIME",
          description =
              "To the first record at or after TIME (ISO-8601, e.g. 2025-01-31T12:00:00Z).")
      String datetime;

      @Option(
          names = "--to-timestamp",
          paramLabel = "MS",
          description = "To the first record at or after MS (milliseconds since the epoch).")
      Long timestamp;
    }

    @Option(names = "--execute", description = "Apply the change (default: dry run).")
    boolean execute;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    int run(AdminClient client) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("topic", topics.all ? "*" : topics.topic);
      if (!partitions.isEmpty()) {
        body.put("partitions", partitions);
      }
      if (target.earliest) {
        body.put("to", "earliest");
      } else if (target.latest) {
        body.put("to", "latest");
      } else if (target.offset != null) {
        body.put("to", "offset");
        body.put("offset", target.offset);
      } else {
        body.put("to", "timestamp");
        body.put("timestamp", target.timestamp != null ? target.timestamp : parse(target.datetime));
      }
      body.put("dryRun", !execute);
      JsonNode answer = client.post(groupPath(group) + "/reset-offsets", body);
      if (json) {
        printJson(answer);
        return ExitCodes.OK;
      }
      Table t = new Table("TOPIC", "PARTITION", "PREVIOUS", "NEW");
      for (JsonNode o : answer.path("offsets")) {
        t.row(
            o.path("topic").asText(),
            o.path("partition").asInt(),
            o.path("previousOffset").isNull() ? "-" : o.path("previousOffset").asText(),
            o.path("newOffset").asLong());
      }
      t.print(out());
      out()
          .println(
              execute
                  ? "reset the offsets of group " + group
                  : "dry run: nothing changed; add --execute to apply");
      return ExitCodes.OK;
    }

    private static long parse(String datetime) {
      try {
        return Instant.parse(datetime).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw usage(
            "--to-datetime must be ISO-8601 such as 2025-01-31T12:00:00Z, not '" + datetime + "'");
      }
    }
  }
}
