package io.watershed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code watershed consume TOPIC}: prints records through the admin API, from the beginning (the
 * default), the end, an offset or a time, optionally as a consumer group (starting from its
 * committed offsets and committing as it goes); stops at the end of the topic unless {@code
 * --follow}, or after {@code --max} records.
 */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = {
      "Print a topic's records, one per line: the value (raw, the default), the whole record as"
          + " JSON, or the value in hex.",
      "Starts at the beginning unless told otherwise; with --group, at the group's committed"
          + " offsets, committing where it got to. Stops at the end of the topic unless --follow."
    },
    footer = {"", ExitCodes.FOOTER})
final class ConsumeCommand extends ApiCommand {
  private static final int PAGE = 500;

  @Parameters(paramLabel = "TOPIC")
  String topic;

  @ArgGroup(exclusive = true)
  Start start;

  static final class Start {
    @Option(names = "--from-beginning", description = "From the first record (the default).")
    boolean beginning;

    @Option(names = "--from-end", description = "Only records produced from now on.")
    boolean end;

    @Option(names = "--offset", paramLabel = "OFFSET", description = "From OFFSET of --partition.")
    Long offset;

    @Option(
        names = "--from-timestamp",
        paramLabel = "MS",
        description = "From the first record at or after MS (ms since the epoch).")
    Long timestamp;

    @Option(
        names = "--from-datetime",
        paramLabel = "TIME",
        description = "From the first record at or after TIME (ISO-8601).")
    String datetime;
  }

  @Option(
      names = {"-p", "--partition"},
      paramLabel = "P",
      description = "Only partition P.")
  Integer partition;

  @Option(
      names = {"-g", "--group"},
      paramLabel = "GROUP",
      description = "Consume as this group: start from its committed offsets and commit.")
  String group;

  @Option(
      names = {"-o", "--format"},
      paramLabel = "FORMAT",
      defaultValue = "raw",
      description = "raw (default), json or hex.")
  String format;

  @Option(names = "--print-key", description = "raw and hex: print KEY<TAB>VALUE.")
  boolean printKey;

  @Option(
      names = {"-n", "--max"},
      paramLabel = "N",
      description = "Stop after N records.")
  Long max;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep waiting for new records at the end.")
  boolean follow;

  @Option(
      names = "--timeout",
      paramLabel = "MS",
      defaultValue = "1000",
      description =
          "Without --follow: stop when nothing arrives for MS ms (default ${DEFAULT-VALUE}).")
  long timeoutMs;

  @Override
  int run(AdminClient client) {
    String apiFormat =
        switch (format) {
          case "raw" -> "text";
          case "json" -> "auto";
          case "hex" -> "hex";
          default -> throw usage("--format must be raw, json or hex, not '" + format + "'");
        };
    if (max != null && max < 1) {
      throw usage("--max must be at least 1");
    }
    if (start != null && start.offset != null && partition == null) {
      throw usage("--offset needs --partition");
    }
    if (timeoutMs < 0 || timeoutMs > 30_000) {
      throw usage("--timeout must be between 0 and 30000 ms");
    }
    Map<String, Object> first = new LinkedHashMap<>();
    first.put("partition", partition);
    if (start != null) {
      if (start.end) {
        first.put("from", "latest");
      } else if (start.offset != null) {
        first.put("offset", start.offset);
      } else if (start.timestamp != null) {
        first.put("timestamp", start.timestamp);
      } else if (start.datetime != null) {
        first.put("timestamp", parse(start.datetime));
      }
    }
    long printed = 0;
    String positions = null;
    while (max == null || printed < max) {
      Map<String, Object> q = new LinkedHashMap<>();
      if (positions == null || group != null) {
        q.putAll(first);
      } else {
        q.put("positions", positions);
      }
      q.put("group", group);
      q.put("limit", (int) Math.min(PAGE, max == null ? PAGE : max - printed));
      q.put("waitMs", follow ? 10_000 : timeoutMs);
      q.put("format", apiFormat);
      JsonNode answer =
          client.get(AdminClient.path(TopicsCommand.topicPath(topic) + "/records", q));
      JsonNode records = answer.path("records");
      for (JsonNode r : records) {
        print(r);
        printed++;
      }
      out().flush();
      positions = positionsOf(answer.path("positions"));
      if (records.isEmpty() && !follow) {
        break;
      }
    }
    return ExitCodes.OK;
  }

  private void print(JsonNode r) {
    if (format.equals("json")) {
      out().println(r.toString());
      return;
    }
    String value = r.path("value").isNull() ? "" : r.path("value").asText();
    if (printKey) {
      String key = r.path("key").isNull() ? "" : r.path("key").asText();
      out().println(key + "\t" + value);
    } else {
      out().println(value);
    }
  }

  private static String positionsOf(JsonNode positions) {
    StringJoiner j = new StringJoiner(",");
    positions.properties().forEach(e -> j.add(e.getKey() + ":" + e.getValue().asLong()));
    return j.toString();
  }

  private static long parse(String datetime) {
    try {
      return Instant.parse(datetime).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw usage(
          "--from-datetime must be ISO-8601 such as 2025-01-31T12:00:00Z, not '" + datetime + "'");
    }
  }
}
