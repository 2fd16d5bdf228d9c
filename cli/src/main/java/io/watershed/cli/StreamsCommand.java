package io.watershed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code watershed streams list|read|append}: the event store's streams. */
@Command(
    name = "streams",
    mixinStandardHelpOptions = true,
    description = "Event-store streams: list, read (a stream or $all), append.",
    footer = {"", ExitCodes.FOOTER},
    subcommands = {
      StreamsCommand.ListStreams.class,
      StreamsCommand.Read.class,
      StreamsCommand.Append.class
    })
final class StreamsCommand extends Group {

  static String streamPath(String stream) {
    return "/api/v1/eventstore/streams/" + AdminClient.segment(stream);
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List streams, newest first (from the $streams projection).",
      footer = {"", ExitCodes.FOOTER})
  static final class ListStreams extends ApiCommand {
    @Option(
        names = "--max",
        paramLabel = "N",
        defaultValue = "100",
        description = "At most N (1-1000, default ${DEFAULT-VALUE}).")
    int max;

    @Option(names = "--all", description = "Include system streams ($...).")
    boolean all;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    int run(AdminClient client) {
      JsonNode answer =
          client.get(AdminClient.path("/api/v1/eventstore/streams", Map.of("limit", max)));
      if (json) {
        printJson(answer);
        return ExitCodes.OK;
      }
      Table t = new Table("STREAM", "LAST REVISION");
      for (JsonNode s : answer.path("streams")) {
        if (all || !s.path("system").asBoolean()) {
          t.row(s.path("name").asText(), s.path("lastRevision").asLong());
        }
      }
      t.print(out());
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "read",
      mixinStandardHelpOptions = true,
      description = "Read a stream's events (or $all's), one JSON object per line.",
      footer = {"", ExitCodes.FOOTER})
  static final class Read extends ApiCommand {
    @Parameters(paramLabel = "STREAM", description = "A stream name, or $all.")
    String stream;

    @Option(names = "--backwards", description = "Newest first (default oldest first).")
    boolean backwards;

    @Option(
        names = "--from",
        paramLabel = "REVISION",
        description = "Start at this revision (a position for $all).")
    Long from;

    @Option(
        names = "--max",
        paramLabel = "N",
        defaultValue = "100",
        description = "At most N events (1-1000, default ${DEFAULT-VALUE}).")
    int max;

    @Override
    int run(AdminClient client) {
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("direction", backwards ? "backwards" : "forwards");
      q.put("from", from);
      q.put("limit", max);
      JsonNode answer = client.get(AdminClient.path(streamPath(stream), q));
      for (JsonNode e : answer.path("events")) {
        out().println(e.toString());
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "append",
      mixinStandardHelpOptions = true,
      description = {
        "Append events to a stream: one with --data, or one per line of standard input.",
        "Data that parses as JSON is stored as application/json, other text as"
            + " application/octet-stream."
      },
      footer = {"", ExitCodes.FOOTER})
  static final class Append extends ApiCommand {
    @Parameters(paramLabel = "STREAM")
    String stream;

    @Option(
        names = {"-t", "--type"},
        required = true,
        paramLabel = "TYPE",
        description = "The event type.")
    String type;

    @Option(
        names = {"-d", "--data"},
        paramLabel = "DATA",
        description = "The event's data (default: lines of stdin).")
    String data;

    @Option(
        names = "--expected-revision",
        paramLabel = "REV",
        defaultValue = "any",
        description = "any (default), no_stream, stream_exists or a revision number.")
    String expected;

    @Override
    int run(AdminClient client) throws IOException {
      List<String> lines = new ArrayList<>();
      if (data != null) {
        lines.add(data);
      } else {
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
          if (!line.isEmpty()) {
            lines.add(line);
          }
        }
      }
      if (lines.isEmpty()) {
        throw usage("no events: give --data or lines on standard input");
      }
      List<Map<String, Object>> events = new ArrayList<>();
      for (String line : lines) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        JsonNode json = parseJson(line);
        if (json != null) {
          e.put("data", json);
        } else {
          e.put("data", line);
          e.put("contentType", "application/octet-stream");
        }
        events.add(e);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put(
          "expectedRevision",
          expected.matches("\\d+") ? (Object) Long.parseLong(expected) : expected);
      body.put("events", events);
      JsonNode answer = client.post(streamPath(stream), body);
      out()
          .println(
              "appended "
                  + events.size()
                  + " event(s) to "
                  + stream
                  + "; last revision "
                  + answer.path("lastRevision").asLong()
                  + ", position "
                  + answer.path("position").asLong());
      return ExitCodes.OK;
    }

    private static JsonNode parseJson(String s) {
      try {
        JsonNode n = AdminClient.JSON.readTree(s);
        return n != null && (n.isObject() || n.isArray()) ? n : null;
      } catch (IOException e) {
        return null;
      }
    }
  }
}
