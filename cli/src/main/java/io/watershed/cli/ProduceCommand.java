package io.watershed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code watershed produce TOPIC}: one record per line of standard input or a file, or, with {@code
 * --count}, a load generator with a progress bar and a closing line of throughput and latency.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Produce records to a topic through the admin API (appended durably, as acks=all).",
      "",
      "Reads one record per line from standard input or --file; with --key-separator a line is"
          + " KEY<sep>VALUE. --header adds a header to every record.",
      "With --count N (and --size BYTES) it sends N generated records instead, shows a progress bar"
          + " on stderr and ends with records/s, MB/s and latency percentiles.",
      "A topic that does not exist is created on first use, as Kafka clients create it (the"
          + " server's kafka.auto.create.topics.enable and kafka.num.partitions); --no-create"
          + " refuses instead, with exit code 4."
    },
    footer = {"", ExitCodes.FOOTER})
final class ProduceCommand extends ApiCommand {
  /** Keeps a request well under the server's 1 MiB body limit. */
  static final int MAX_REQUEST_BYTES = 900 * 1024;

  @Parameters(paramLabel = "TOPIC")
  String topic;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "Read records from FILE instead of stdin.")
  Path file;

  @Option(
      names = {"-K", "--key-separator"},
      paramLabel = "SEP",
      description = "Split each line into key and value at the first SEP.")
  String keySeparator;

  @Option(
      names = {"-H", "--header"},
      paramLabel = "KEY=VALUE",
      description = "A header for every record (repeatable).")
  Map<String, String> headers = new LinkedHashMap<>();

  @Option(
      names = {"-p", "--partition"},
      paramLabel = "P",
      description = "Send every record to partition P (default: by key, as Kafka does).")
  Integer partition;

  @Option(
      names = {"-n", "--count"},
      paramLabel = "N",
      description = "Load generator: send N generated records.")
  Long count;

  @Option(
      names = "--size",
      paramLabel = "BYTES",
      defaultValue = "100",
      description = "Load generator: bytes per record value (default ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "500",
      description = "Records per request (default ${DEFAULT-VALUE}; fewer for large values).")
  int batch;

  @Option(
      names = "--inflight",
      paramLabel = "N",
      defaultValue = "4",
      description = "Load generator: requests in flight at once (default ${DEFAULT-VALUE}).")
  int inflight;

  @Option(names = "--no-progress", description = "Load generator: no progress bar.")
  boolean noProgress;

  @Option(
      names = "--no-create",
      description =
          "Fail (exit code 4) if the topic does not exist instead of creating it on first use.")
  boolean noCreate;

  /** The partitions of the topic once an answer says this command created it, else -1. */
  private final AtomicInteger createdWithPartitions = new AtomicInteger(-1);

  @Override
  int run(AdminClient client) throws IOException {
    if (batch < 1 || batch > 10_000) {
      throw usage("--batch must be between 1 and 10000");
    }
    if (count != null) {
      return new LoadGenerator(client, this).run();
    }
    if (file != null && !Files.isReadable(file)) {
      throw usage("cannot read --file " + file);
    }
    long sent = 0;
    try (BufferedReader in =
        file != null
            ? Files.newBufferedReader(file, StandardCharsets.UTF_8)
            : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      List<Map<String, Object>> pending = new ArrayList<>();
      int bytes = 0;
      for (String line; (line = in.readLine()) != null; ) {
        Map<String, Object> r = record(line);
        pending.add(r);
        bytes += line.length() + 64;
        if (pending.size() >= batch || bytes >= MAX_REQUEST_BYTES) {
          sent += send(client, pending);
          pending.clear();
          bytes = 0;
        }
      }
      sent += send(client, pending);
    } catch (NoSuchFileException e) {
      throw usage("no such file: " + file);
    }
    reportCreation();
    err().println("produced " + sent + " record(s) to " + topic);
    return ExitCodes.OK;
  }

  Map<String, Object> record(String line) {
    Map<String, Object> r = new LinkedHashMap<>();
    String value = line;
    if (keySeparator != null) {
      int at = line.indexOf(keySeparator);
      if (at >= 0) {
        r.put("key", line.substring(0, at));
        value = line.substring(at + keySeparator.length());
      }
    }
    r.put("value", value);
    if (!headers.isEmpty()) {
      r.put("headers", headers);
    }
    if (partition != null) {
      r.put("partition", partition);
    }
    return r;
  }

  int send(AdminClient client, List<Map<String, Object>> records) {
    if (records.isEmpty()) {
      return 0;
    }
    JsonNode answer;
    try {
      answer = client.post(path(), Map.of("records", records));
    } catch (CliException e) {
      throw missingTopic(e);
    }
    noteCreation(answer);
    return answer.path("records").size();
  }

  /** The request path: with {@code --no-create}, one that refuses a topic that does not exist. */
  String path() {
    String path = TopicsCommand.topicPath(topic) + "/records";
    return noCreate ? path + "?create=false" : path;
  }

  /** Remembers whether the answer to a produce request says it created the topic. */
  void noteCreation(JsonNode answer) {
    if (answer.path("created").asBoolean()) {
      createdWithPartitions.set(answer.path("partitions").asInt());
    }
  }

  /**
   * Says on stderr that the topic was created for this command (a mistyped name shows), once all is
   * sent (not in the middle of a progress bar).
   */
  void reportCreation() {
    int partitions = createdWithPartitions.get();
    if (partitions >= 0) {
      err()
          .println(
              "created topic " + topic + " with " + partitions + " partition(s): it did not exist");
    }
  }

  /** A refusal for a missing topic said in the command's terms; any other failure as it is. */
  CliException missingTopic(CliException e) {
    if (noCreate && e.exitCode() == ExitCodes.NOT_FOUND) {
      return new CliException(
          ExitCodes.NOT_FOUND, "no topic '" + topic + "' (not created: --no-create)");
    }
    return e;
  }
}
