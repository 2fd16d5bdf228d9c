package io.watershed.kafka.handlers;

import io.watershed.core.metadata.TopicRules;
import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaErrors;
import io.watershed.kafka.KafkaRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;

/**
 * CreateTopics (v2-7). Each topic is checked in Kafka's order, and the first failure is its error:
 *
 * <ol>
 *   <li>named twice in the request: {@code INVALID_REQUEST};
 *   <li>a name outside Kafka's rules: {@code INVALID_TOPIC_EXCEPTION};
 *   <li>the topic exists: {@code TOPIC_ALREADY_EXISTS};
 *   <li>a config the {@link TopicOverridePolicy} refuses: {@code INVALID_CONFIG};
 *   <li>a manual replica assignment: {@code INVALID_REQUEST} (placement is not a choice on a single
 *       node);
 *   <li>a replication factor other than -1 (default) or 1: {@code INVALID_REPLICATION_FACTOR};
 *   <li>a partition count other than -1 (the broker's {@code num.partitions}) or 1 to 10,000:
 *       {@code INVALID_PARTITIONS}.
 * </ol>
 *
 * With {@code validate_only} nothing is created. A created topic (v5+) is answered with its
 * partition count, replication factor and every config as DescribeConfigs would show it; v7 adds
 * its topic id. Topics are created concurrently and the response waits until each creation is
 * durable and its partition logs exist.
 */
final class CreateTopicsHandler implements ApiHandler {
  private static final short REPLICATION_FACTOR = 1;

  private final KafkaBroker broker;
  private final TopicConfigDescriber configs;

  CreateTopicsHandler(KafkaBroker broker) {
    this.broker = broker;
    this.configs = new TopicConfigDescriber(broker.topics().logs().config().defaults());
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.CREATE_TOPICS;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    CreateTopicsRequestData req = request.body(CreateTopicsRequest.class).data();
    Set<String> seen = new HashSet<>();
    Set<String> duplicated = new HashSet<>();
    for (CreatableTopic t : req.topics()) {
      if (!seen.add(t.name())) {
        duplicated.add(t.name());
      }
    }
    Map<String, CompletableFuture<CreatableTopicResult>> results = new LinkedHashMap<>();
    for (CreatableTopic t : req.topics()) {
      if (results.containsKey(t.name())) {
        continue;
      }
      results.put(
          t.name(),
          duplicated.contains(t.name())
              ? CompletableFuture.completedFuture(
                  failure(t.name(), new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name.")))
              : create(t, req.validateOnly()));
    }
    return CompletableFuture.allOf(results.values().toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              CreateTopicsResponseData out = new CreateTopicsResponseData().setThrottleTimeMs(0);
              for (CompletableFuture<CreatableTopicResult> r : results.values()) {
                out.topics().add(r.join());
              }
              return new CreateTopicsResponse(out);
            });
  }

  private CompletableFuture<CreatableTopicResult> create(CreatableTopic t, boolean validateOnly) {
    String name = t.name();
    Optional<ApiError> refusal = checkNameAndExistence(name);
    Map<String, String> overrides = Map.of();
    if (refusal.isEmpty()) {
      try {
        overrides = TopicOverridePolicy.toStore(requestedConfigs(t));
      } catch (ApiException e) {
        refusal = Optional.of(ApiError.fromThrowable(e));
      }
    }
    refusal = refusal.or(() -> checkPlacement(t));
    if (refusal.isPresent()) {
      return CompletableFuture.completedFuture(failure(name, refusal.get()));
    }
    int partitions =
        t.numPartitions() == CreateTopicsRequest.NO_NUM_PARTITIONS
            ? broker.config().defaultPartitions()
            : t.numPartitions();
    if (validateOnly) {
      return CompletableFuture.completedFuture(
          success(name, Uuid.ZERO_UUID, partitions, overrides));
    }
    return broker
        .topics()
        .create(name, partitions, overrides)
        .handle(
            (created, error) ->
                error == null
                    ? success(
                        name,
                        KafkaBroker.toKafka(created.topicId()),
                        created.partitionCount(),
                        created.configs())
                    : failure(name, ApiError.fromThrowable(KafkaErrors.toApiException(error))));
  }

  /** The topic's configs by name; Kafka's collection may hold a name twice, which is refused. */
  private static Map<String, String> requestedConfigs(CreatableTopic t) {
    Map<String, String> configs = new HashMap<>();
    for (CreatableTopicConfig c : t.configs()) {
      if (configs.containsKey(c.name())) {
        throw new InvalidConfigurationException("Config " + c.name() + " is given twice.");
      }
      configs.put(c.name(), c.value());
    }
    return configs;
  }

  private Optional<ApiError> checkNameAndExistence(String name) {
    Optional<String> badName = TopicRules.checkName(name);
    if (badName.isPresent()) {
      return Optional.of(new ApiError(Errors.INVALID_TOPIC_EXCEPTION, badName.get()));
    }
    if (broker.topics().describe(name).isPresent()) {
      return Optional.of(
          new ApiError(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists."));
    }
    return Optional.empty();
  }

  private Optional<ApiError> checkPlacement(CreatableTopic t) {
    if (!t.assignments().isEmpty()) {
      return Optional.of(
          new ApiError(
              Errors.INVALID_REQUEST,
              "Manual partition assignment is not supported: every partition has its one replica"
                  + " on node "
                  + broker.nodeId()
                  + "."));
    }
    short rf = t.replicationFactor();
    if (rf != CreateTopicsRequest.NO_REPLICATION_FACTOR && rf != REPLICATION_FACTOR) {
      return Optional.of(
          new ApiError(
              Errors.INVALID_REPLICATION_FACTOR,
              rf < 1
                  ? "Replication factor must be larger than 0, or -1 to use the default value."
                  : "Unable to replicate the partition "
                      + rf
                      + " time(s): the target replication factor of "
                      + rf
                      + " cannot be reached because only 1 broker(s) are registered."));
    }
    int n = t.numPartitions();
    if (n != CreateTopicsRequest.NO_NUM_PARTITIONS) {
      Optional<String> badCount =
          n < 1
              ? Optional.of("Number of partitions was set to an invalid non-positive value.")
              : TopicRules.checkPartitionCount(n);
      if (badCount.isPresent()) {
        return Optional.of(new ApiError(Errors.INVALID_PARTITIONS, badCount.get()));
      }
    }
    return Optional.empty();
  }

  private CreatableTopicResult success(
      String name, Uuid id, int partitions, Map<String, String> overrides) {
    List<CreatableTopicConfigs> described = new ArrayList<>();
    for (DescribedConfig c : configs.describe(overrides)) {
      described.add(
          new CreatableTopicConfigs()
              .setName(c.name())
              .setValue(c.value())
              .setReadOnly(c.readOnly())
              .setConfigSource(c.source().id())
              .setIsSensitive(false));
    }
    return new CreatableTopicResult()
        .setName(name)
        .setTopicId(id)
        .setErrorCode(Errors.NONE.code())
        .setTopicConfigErrorCode(Errors.NONE.code())
        .setNumPartitions(partitions)
        .setReplicationFactor(REPLICATION_FACTOR)
        .setConfigs(described);
  }

  private static CreatableTopicResult failure(String name, ApiError error) {
    return new CreatableTopicResult()
        .setName(name)
        .setErrorCode(error.error().code())
        .setErrorMessage(error.message())
        .setNumPartitions(-1)
        .setReplicationFactor((short) -1)
        .setConfigs(null);
  }
}
