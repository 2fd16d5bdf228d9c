package io.watershed.kafka.handlers;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.metadata.TopicRules;
import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaErrors;
import io.watershed.kafka.KafkaRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;

/**
 * CreatePartitions (v0-3): raises a topic's partition count; existing partitions keep their data
 * and the new ones start empty. Errors as in Kafka: a topic named twice is {@code INVALID_REQUEST};
 * an unknown topic {@code UNKNOWN_TOPIC_OR_PARTITION}; a count that does not grow the topic, or
 * exceeds 10,000, {@code INVALID_PARTITIONS}. Manual assignments are refused with {@code
 * INVALID_REQUEST}, as in CreateTopics; an empty assignment list, which some clients send for
 * "none", is taken as none. With {@code validate_only} nothing changes.
 */
final class CreatePartitionsHandler implements ApiHandler {
  private final KafkaBroker broker;

  CreatePartitionsHandler(KafkaBroker broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.CREATE_PARTITIONS;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    CreatePartitionsRequestData req = request.body(CreatePartitionsRequest.class).data();
    Map<String, Integer> mentions = new HashMap<>();
    req.topics().forEach(t -> mentions.merge(t.name(), 1, Integer::sum));
    List<CompletableFuture<CreatePartitionsTopicResult>> results = new ArrayList<>();
    for (CreatePartitionsTopic t : req.topics()) {
      Integer count = mentions.get(t.name());
      if (count == null) {
        continue; // a duplicate already answered
      }
      if (count > 1) {
        mentions.remove(t.name());
        results.add(done(t.name(), new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name.")));
      } else {
        results.add(grow(t, req.validateOnly()));
      }
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              CreatePartitionsResponseData out =
                  new CreatePartitionsResponseData().setThrottleTimeMs(0);
              results.forEach(r -> out.results().add(r.join()));
              return new CreatePartitionsResponse(out);
            });
  }

  private CompletableFuture<CreatePartitionsTopicResult> grow(
      CreatePartitionsTopic t, boolean validateOnly) {
    Optional<TopicMetadata> topic = broker.topics().describe(t.name());
    if (topic.isEmpty()) {
      return done(
          t.name(),
          new ApiError(
              Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + t.name() + "' does not exist."));
    }
    Optional<ApiError> refusal = check(topic.get(), t);
    if (refusal.isPresent()) {
      return done(t.name(), refusal.get());
    }
    if (validateOnly) {
      return done(t.name(), ApiError.NONE);
    }
    return broker
        .topics()
        .createPartitions(t.name(), t.count())
        .handle(
            (ignored, error) ->
                result(
                    t.name(),
                    error == null
                        ? ApiError.NONE
                        : ApiError.fromThrowable(KafkaErrors.toApiException(error))));
  }

  private static Optional<ApiError> check(TopicMetadata topic, CreatePartitionsTopic t) {
    int current = topic.partitionCount();
    if (t.count() == current) {
      return Optional.of(
          new ApiError(
              Errors.INVALID_PARTITIONS, "Topic already has " + current + " partition(s)."));
    }
    if (t.count() < current) {
      return Optional.of(
          new ApiError(
              Errors.INVALID_PARTITIONS,
              "The topic "
                  + topic.name()
                  + " currently has "
                  + current
                  + " partition(s); "
                  + t.count()
                  + " would not be an increase."));
    }
    Optional<String> tooMany = TopicRules.checkPartitionCount(t.count());
    if (tooMany.isPresent()) {
      return Optional.of(new ApiError(Errors.INVALID_PARTITIONS, tooMany.get()));
    }
    if (t.assignments() != null && !t.assignments().isEmpty()) {
      return Optional.of(
          new ApiError(
              Errors.INVALID_REQUEST,
              "Manual partition assignment is not supported: every partition has its one replica"
                  + " on this node."));
    }
    return Optional.empty();
  }

  private static CompletableFuture<CreatePartitionsTopicResult> done(String name, ApiError error) {
    return CompletableFuture.completedFuture(result(name, error));
  }

  private static CreatePartitionsTopicResult result(String name, ApiError error) {
    return new CreatePartitionsTopicResult()
        .setName(name)
        .setErrorCode(error.error().code())
        .setErrorMessage(error.isSuccess() ? null : error.message());
  }
}
