package io.watershed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code watershed kinesis streams list|describe}: the Kinesis door's streams and their shard
 * lineage, read through the admin API (streams are created and resharded by Kinesis clients).
 */
@Command(
    name = "kinesis",
    mixinStandardHelpOptions = true,
    description = "Kinesis streams: list, describe with the shard lineage.",
    footer = {"", ExitCodes.FOOTER},
    subcommands = {KinesisCommand.Streams.class})
final class KinesisCommand extends Group {

  static String streamPath(String stream) {
    return "/api/v1/kinesis/streams/" + AdminClient.segment(stream);
  }

  @Command(
      name = "streams",
      mixinStandardHelpOptions = true,
      description = "Kinesis streams: list, describe.",
      footer = {"", ExitCodes.FOOTER},
      subcommands = {KinesisCommand.ListStreams.class, KinesisCommand.Describe.class})
  static final class Streams extends Group {}

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List Kinesis streams with their status, mode, shards, retention and records.",
        "Topics made through other doors are listed too (ORIGIN topic): Kinesis clients see them"
            + " as streams."
      },
      footer = {"", ExitCodes.FOOTER})
  static final class ListStreams extends ApiCommand {
    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    int run(AdminClient client) {
      JsonNode answer = client.get("/api/v1/kinesis/streams");
      if (json) {
        printJson(answer);
        return ExitCodes.OK;
      }
      Table t =
          new Table(
              "STREAM",
              "STATUS",
              "MODE",
              "OPEN SHARDS",
              "CLOSED SHARDS",
              "RETENTION",
              "RECORDS",
              "CONSUMERS",
              "ORIGIN");
      for (JsonNode s : answer.path("streams")) {
        t.row(
            s.path("name").asText(),
            s.path("status").asText(),
            s.path("mode").asText(),
            s.path("openShards").asInt(),
            s.path("closedShards").asInt(),
            s.path("retentionHours").asInt() + " h",
            s.path("records").asLong(),
            s.path("consumerCount").asInt(),
            s.path("origin").asText());
      }
      t.print(out());
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = {
        "Show a stream: its settings, its shard lineage as a tree (parents above their children;"
            + " each shard's state, share of the hash-key space and records), every shard's"
            + " hash-key and sequence-number ranges, and its enhanced fan-out consumers."
      },
      footer = {"", ExitCodes.FOOTER})
  static final class Describe extends ApiCommand {
    @Parameters(paramLabel = "STREAM", description = "The stream's name.")
    String stream;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    int run(AdminClient client) {
      JsonNode s = client.get(streamPath(stream));
      if (json) {
        printJson(s);
        return ExitCodes.OK;
      }
      out()
          .println(
              "Stream: "
                  + s.path("name").asText()
                  + "  status: "
                  + s.path("status").asText()
                  + "  mode: "
                  + s.path("mode").asText()
                  + "  retention: "
                  + s.path("retentionHours").asInt()
                  + " h  encryption: "
                  + s.path("encryptionType").asText()
                  + "  origin: "
                  + s.path("origin").asText());
      out().println("ARN: " + s.path("arn").asText());
      out()
          .println(
              "Shards: "
                  + s.path("openShards").asInt()
                  + " open, "
                  + s.path("closedShards").asInt()
                  + " closed  records: "
                  + s.path("records").asLong()
                  + "  size: "
                  + Units.bytes(s.path("sizeBytes").asLong())
                  + "  topic: "
                  + s.path("topic").asText());
      if (!s.path("tags").isEmpty()) {
        StringBuilder tags = new StringBuilder();
        s.path("tags")
            .properties()
            .forEach(
                e ->
                    tags.append(tags.isEmpty() ? "" : ", ")
                        .append(e.getKey())
                        .append('=')
                        .append(e.getValue().asText()));
        out().println("Tags: " + tags);
      }
      out().println();
      out().println("Shard lineage:");
      new ShardTree(s.path("shards")).print(out());
      out().println();
      Table t =
          new Table(
              "SHARD",
              "PARTITION",
              "STATE",
              "STARTING HASH KEY",
              "ENDING HASH KEY",
              "STARTING SEQUENCE NUMBER",
              "ENDING SEQUENCE NUMBER");
      for (JsonNode shard : s.path("shards")) {
        JsonNode ending = shard.path("sequenceNumberRange").get("endingSequenceNumber");
        t.row(
            shard.path("shardId").asText(),
            shard.path("partition").asInt(),
            shard.path("state").asText(),
            shard.path("hashKeyRange").path("startingHashKey").asText(),
            shard.path("hashKeyRange").path("endingHashKey").asText(),
            shard.path("sequenceNumberRange").path("startingSequenceNumber").asText(),
            ending == null || ending.isNull() ? null : ending.asText());
      }
      t.print(out());
      if (!s.path("consumers").isEmpty()) {
        out().println();
        Table c = new Table("CONSUMER", "STATUS", "CREATED", "ARN");
        for (JsonNode consumer : s.path("consumers")) {
          c.row(
              consumer.path("name").asText(),
              consumer.path("status").asText(),
              consumer.path("created").asText(),
              consumer.path("arn").asText());
        }
        c.print(out());
      }
      return ExitCodes.OK;
    }
  }
}
