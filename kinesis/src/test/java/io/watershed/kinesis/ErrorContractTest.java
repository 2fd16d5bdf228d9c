package io.watershed.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error contract as Kinesis answers it, through raw HTTP, where a local Kinesis used as a test
 * double must match it: how a request that is not a Kinesis call is answered, serialization errors
 * before validation errors before lookups, every violated constraint listed, and the arguments
 * Kinesis refuses once it has found the stream.
 */
class ErrorContractTest {
  private static final String JSON = "application/x-amz-json-1.1";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;
  KinesisTestServer server;
  HttpClient http;

  @BeforeEach
  void start() throws Exception {
    server = new KinesisTestServer(dir);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    call("CreateStream", "{\"StreamName\":\"s\",\"ShardCount\":2}");
  }

  @AfterEach
  void stop() throws Exception {
    http.close();
    server.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String target, String type, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.endpoint()).POST(HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    if (target != null) {
      b.header("X-Amz-Target", target);
    }
    return send(b);
  }

  private JsonNode call(String operation, String body) throws Exception {
    HttpResponse<String> r = post("Kinesis_20131202." + operation, JSON, body);
    return MAPPER
        .readTree(r.body().isEmpty() ? "{}" : r.body())
        .deepCopy()
        .<com.fasterxml.jackson.databind.node.ObjectNode>require()
        .put("status", r.statusCode());
  }

  /** Asserts an error's status, type and exact message (null: none). */
  private void expect(JsonNode answer, int status, String type, String message) {
    assertThat(answer.get("status").asInt()).as(answer.toString()).isEqualTo(status);
    assertThat(answer.get("__type").asText()).as(answer.toString()).isEqualTo(type);
    JsonNode m = answer.has("message") ? answer.get("message") : answer.get("Message");
    if (message == null) {
      assertThat(m).as(answer.toString()).isNull();
    } else {
      assertThat(m).as(answer.toString()).isNotNull();
      assertThat(m.asText()).isEqualTo(message);
    }
  }

  @Test
  void requestsThatAreNotKinesisCallsGetKinesisAnswers() throws Exception {
    HttpResponse<String> get = send(HttpRequest.newBuilder(server.endpoint()).GET());
    assertThat(get.statusCode()).isEqualTo(403);
    assertThat(get.body())
        .isEqualTo(
            "<AccessDeniedException>\n"
                + "  <Message>Unable to determine service/operation name to be authorized</Message>\n"
                + "</AccessDeniedException>\n");

    // A POST without a body is no call at all, not a ListStreams.
    HttpResponse<String> empty = post("Kinesis_20131202.ListStreams", JSON, "");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).isEqualTo("{\"__type\":\"SerializationException\"}");
    HttpResponse<String> emptyUnknown = post("Kinesis_20131202.Frobnicate", JSON, "");
    assertThat(emptyUnknown.body()).isEqualTo("{\"__type\":\"UnknownOperationException\"}");

    HttpResponse<String> plain = post("Kinesis_20131202.ListStreams", "text/plain", "{}");
    assertThat(plain.statusCode()).isEqualTo(404);
    assertThat(plain.body()).isEqualTo("<UnknownOperationException/>\n");
    HttpResponse<String> noTarget = post(null, "text/plain", "{}");
    assertThat(noTarget.statusCode()).isEqualTo(403);
    assertThat(noTarget.body()).contains("AccessDeniedException");
    HttpResponse<String> noType = post("Kinesis_20131202.ListStreams", null, "{}");
    assertThat(noType.statusCode()).isEqualTo(404);

    HttpResponse<String> plainJson = post("Kinesis_20131202.ListStreams", "application/json", "{}");
    assertThat(plainJson.statusCode()).isEqualTo(404);
    assertThat(plainJson.body())
        .isEqualTo(
            "{\"Output\":{\"__type\":\"com.amazon.coral.service#UnknownOperationException\"},"
                + "\"Version\":\"1.0\"}");

    HttpResponse<String> unknown = post("Kinesis_20131202.Frobnicate", JSON, "{}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).isEqualTo("{\"__type\":\"UnknownOperationException\"}");
    HttpResponse<String> notJson = post("Kinesis_20131202.ListStreams", JSON, "{not json");
    assertThat(notJson.body()).isEqualTo("{\"__type\":\"SerializationException\"}");
  }

  @Test
  void wrongTypesAreSerializationErrorsWithKinesisTexts() throws Exception {
    expect(
        call("DescribeStream", "{\"StreamName\":true}"),
        400,
        "SerializationException",
        "class java.lang.Boolean can not be converted to an String");
    expect(
        call("DescribeStream", "{\"StreamName\":23}"),
        400,
        "SerializationException",
        "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an"
            + " String");
    expect(
        call("DescribeStream", "{\"StreamName\":\"s\",\"Limit\":\"5\"}"),
        400,
        "SerializationException",
        "class java.lang.String can not be converted to an Integer");
    expect(
        call("DescribeStream", "{\"StreamName\":[]}"),
        400,
        "SerializationException",
        "Start of list found where not expected");
    expect(
        call("DescribeStream", "{\"StreamName\":{}}"),
        400,
        "SerializationException",
        "Start of structure or map found where not expected.");
    expect(
        call("PutRecords", "{\"StreamName\":\"s\",\"Records\":5}"),
        400,
        "SerializationException",
        "Expected list or null");
    expect(
        call("AddTagsToStream", "{\"StreamName\":\"s\",\"Tags\":[]}"),
        400,
        "SerializationException",
        "Start of list found where not expected");
    expect(
        call("PutRecord", "{\"StreamName\":\"s\",\"PartitionKey\":\"k\",\"Data\":\"23456\"}"),
        400,
        "SerializationException",
        "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of"
            + " 4 bytes but found: 5");
    expect(
        call("PutRecord", "{\"StreamName\":\"s\",\"PartitionKey\":\"k\",\"Data\":\"=+/=\"}"),
        400,
        "SerializationException",
        "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='");
    expect(
        call("PutRecord", "{\"StreamName\":\"s\",\"PartitionKey\":\"k\",\"Data\":\"+/+=\"}"),
        400,
        "SerializationException",
        "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected");
    expect(
        call("GetShardIterator", "{\"StreamName\":\"s\",\"Timestamp\":\"now\"}"),
        400,
        "SerializationException",
        "class java.lang.String can not be converted to milliseconds since epoch");
    // Types are checked before constraints: the empty name is not reported.
    expect(
        call("DescribeStream", "{\"StreamName\":\"\",\"Limit\":true}"),
        400,
        "SerializationException",
        "class java.lang.Boolean can not be converted to an Integer");
    // A fraction for an integer is truncated, as Kinesis does.
    assertThat(call("DescribeStream", "{\"StreamName\":\"s\",\"Limit\":1.9}").get("status").asInt())
        .isEqualTo(200);
  }

  @Test
  void everyViolatedConstraintIsListedBeforeAnyLookup() throws Exception {
    expect(
        call(
            "GetShardIterator",
            "{\"StreamName\":\"\",\"ShardIteratorType\":\"\",\"ShardId\":\"\","
                + "\"StartingSequenceNumber\":\"\"}"),
        400,
        "ValidationException",
        "6 validation errors detected: "
            + "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular"
            + " expression pattern: [a-zA-Z0-9_.-]+; "
            + "Value '' at 'streamName' failed to satisfy constraint: Member must have length"
            + " greater than or equal to 1; "
            + "Value '' at 'shardId' failed to satisfy constraint: Member must satisfy regular"
            + " expression pattern: [a-zA-Z0-9_.-]+; "
            + "Value '' at 'shardId' failed to satisfy constraint: Member must have length greater"
            + " than or equal to 1; "
            + "Value '' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy"
            + " enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER,"
            + " TRIM_HORIZON]; "
            + "Value '' at 'startingSequenceNumber' failed to satisfy constraint: Member must"
            + " satisfy regular expression pattern: 0|([1-9]\\d{0,128})");
  }

  @Test
  void argumentsAreCheckedOnceTheStreamIsFound() throws Exception {
    // Missing members are listed with the others; a stream that does not exist is not looked up.
    expect(
        call("DescribeStream", "{\"StreamName\":\"no such\",\"Limit\":0}"),
        400,
        "ValidationException",
        "2 validation errors detected: Value 'no such' at 'streamName' failed to satisfy"
            + " constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value"
            + " '0' at 'limit' failed to satisfy constraint: Member must have value greater than or"
            + " equal to 1");
    expect(
        call("PutRecords", "{\"StreamName\":\"s\",\"Records\":[{\"Data\":\"AA==\"}]}"),
        400,
        "ValidationException",
        "1 validation error detected: Value null at 'records.1.member.partitionKey' failed to"
            + " satisfy constraint: Member must not be null");
    expect(
        call("RemoveTagsFromStream", "{\"StreamName\":\"s\",\"TagKeys\":[\"\"]}"),
        400,
        "ValidationException",
        "1 validation error detected: Value '[]' at 'tagKeys' failed to satisfy constraint:"
            + " Member must satisfy constraint: [Member must have length less than or equal to"
            + " 128, Member must have length greater than or equal to 1]");

    expect(
        call("ListShards", "{}"),
        400,
        "InvalidArgumentException",
        "Either NextToken or StreamName should be provided.");
    String latestWithNumber =
        "{\"StreamName\":\"s\",\"ShardId\":\"shardId-000000000000\","
            + "\"ShardIteratorType\":\"LATEST\",\"StartingSequenceNumber\":\"5\"}";
    expect(
        call("GetShardIterator", latestWithNumber),
        400,
        "InvalidArgumentException",
        "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and"
            + " StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber."
            + " Request specified LATEST and also a StartingSequenceNumber.");
    double future = (System.currentTimeMillis() + 60_000) / 1000.0;
    JsonNode ahead =
        call(
            "GetShardIterator",
            "{\"StreamName\":\"s\",\"ShardId\":\"shardId-000000000000\","
                + "\"ShardIteratorType\":\"AT_TIMESTAMP\",\"Timestamp\":"
                + future
                + "}");
    assertThat(ahead.get("__type").asText()).isEqualTo("InvalidArgumentException");
    assertThat(ahead.get("message").asText())
        .matches(
            "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis\\."
                + " timestampInMillis: \\d+, currentTimestampInMillis: \\d+");

    expect(
        call("AddTagsToStream", "{\"StreamName\":\"s\",\"Tags\":{\"team\":\"a#b\"}}"),
        400,
        "InvalidArgumentException",
        "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white"
            + " space, _ . / = + - % @.");
    expect(
        call("AddTagsToStream", "{\"StreamName\":\"s\",\"Tags\":{\"cost\":\"100%\"}}"),
        400,
        "InvalidArgumentException",
        "Failed to add tags to stream s under account 000000000000 because some tags contained"
            + " illegal characters. The allowed characters are Unicode letters, white-spaces,"
            + " '_',',','/','=','+','-','@'.");
    assertThat(
            call(
                    "AddTagsToStream",
                    "{\"StreamName\":\"s\",\"Tags\":{\"Größe\":\"très grand / 2 = 1+1 @x_y-z.\"}}")
                .get("status")
                .asInt())
        .isEqualTo(200);
  }

  @Test
  void shardIdsResolveAsKinesisResolvesThem() throws Exception {
    for (String id : new String[] {"shardId-000000000001", "shardId-1", "shard-1", "x-y-01", "1"}) {
      JsonNode it =
          call(
              "GetShardIterator",
              "{\"StreamName\":\"s\",\"ShardId\":\"" + id + "\",\"ShardIteratorType\":\"LATEST\"}");
      assertThat(it.get("status").asInt()).as(id).isEqualTo(200);
    }
    expect(
        call(
            "GetShardIterator",
            "{\"StreamName\":\"s\",\"ShardId\":\"shard-5\",\"ShardIteratorType\":\"LATEST\"}"),
        400,
        "ResourceNotFoundException",
        "Shard shardId-000000000005 in stream s under account 000000000000 does not exist");
    expect(
        call(
            "GetShardIterator",
            "{\"StreamName\":\"s\",\"ShardId\":\"ABKLFD8\",\"ShardIteratorType\":\"LATEST\"}"),
        400,
        "ResourceNotFoundException",
        "Could not find shard ABKLFD8 in stream s under account 000000000000.");
    expect(
        call(
            "GetShardIterator",
            "{\"StreamName\":\"s\",\"ShardId\":\"shardId-002147483648\","
                + "\"ShardIteratorType\":\"LATEST\"}"),
        400,
        "ResourceNotFoundException",
        "Could not find shard shardId-002147483648 in stream s under account 000000000000.");
  }

  @Test
  void sequenceNumbersHaveKinesisShapeAndStayOneToOneWithOffsets() throws Exception {
    String first = null;
    for (int i = 0; i < 3; i++) {
      JsonNode put =
          call(
              "PutRecord",
              "{\"StreamName\":\"s\",\"PartitionKey\":\"k\",\"ExplicitHashKey\":\"0\","
                  + "\"Data\":\"AA==\"}");
      String seq = put.get("SequenceNumber").asText();
      assertThat(seq).hasSize(56).startsWith("49").matches("0|([1-9]\\d{0,128})");
      assertThat(SequenceNumbers.parse(seq)).isEqualTo(new SequenceNumbers.Parsed(0, i + 1));
      first = first == null ? seq : first;
    }
    JsonNode at =
        call(
            "GetShardIterator",
            "{\"StreamName\":\"s\",\"ShardId\":\"shardId-000000000000\","
                + "\"ShardIteratorType\":\"AT_SEQUENCE_NUMBER\",\"StartingSequenceNumber\":\""
                + first
                + "\"}");
    JsonNode records =
        call("GetRecords", "{\"ShardIterator\":\"" + at.get("ShardIterator").asText() + "\"}");
    assertThat(records.get("Records")).hasSize(3);
    assertThat(records.get("Records").get(0).get("SequenceNumber").asText()).isEqualTo(first);

    expect(
        call(
            "GetShardIterator",
            "{\"StreamName\":\"s\",\"ShardId\":\"shardId-000000000001\","
                + "\"ShardIteratorType\":\"AT_SEQUENCE_NUMBER\",\"StartingSequenceNumber\":\""
                + first
                + "\"}"),
        400,
        "InvalidArgumentException",
        "Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a"
            + " call to a shard with shardId-000000000001");
  }
}
