package io.watershed.kafka.handlers;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaErrors;
import io.watershed.kafka.KafkaRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;

/**
 * IncrementalAlterConfigs (v0-1): edits a topic's overrides one config at a time.
 *
 * <ul>
 *   <li>{@code SET} overrides a config; {@code DELETE} removes an override, so the broker default
 *       applies again (deleting one that is not set is not an error, as in Kafka).
 *   <li>{@code APPEND} and {@code SUBTRACT} apply to list configs ({@code cleanup.policy}) only,
 *       else {@code INVALID_CONFIG}. They start from the topic's current value, its override or
 *       else the broker default, and add the elements not yet present or remove the ones given.
 * </ul>
 *
 * The edited set then goes through the {@link TopicOverridePolicy} and is applied as one change
 * ({@link TopicOverrides}); refusals are {@code INVALID_CONFIG} and change nothing. Resources are
 * checked by {@link AlterConfigsChecks}. With {@code validate_only} nothing changes.
 */
final class IncrementalAlterConfigsHandler implements ApiHandler {
  private final KafkaBroker broker;
  private final TopicOverrides overrides;

  IncrementalAlterConfigsHandler(KafkaBroker broker) {
    this.broker = broker;
    this.overrides = new TopicOverrides(broker.topics());
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.INCREMENTAL_ALTER_CONFIGS;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    IncrementalAlterConfigsRequestData req =
        request.body(IncrementalAlterConfigsRequest.class).data();
    List<ConfigResource> resources = new ArrayList<>();
    for (AlterConfigsResource r : req.resources()) {
      resources.add(
          new ConfigResource(ConfigResource.Type.forId(r.resourceType()), r.resourceName()));
    }
    Set<ConfigResource> duplicated = AlterConfigsChecks.duplicates(resources);
    List<CompletableFuture<AlterConfigsResourceResponse>> results = new ArrayList<>();
    int i = 0;
    for (AlterConfigsResource r : req.resources()) {
      ConfigResource resource = resources.get(i++);
      CompletableFuture<ApiError> outcome =
          duplicated.contains(resource)
              ? CompletableFuture.completedFuture(
                  new ApiError(Errors.INVALID_REQUEST, "Each resource must appear at most once."))
              : alter(resource, r, req.validateOnly());
      results.add(
          outcome.thenApply(
              error ->
                  new AlterConfigsResourceResponse()
                      .setResourceType(r.resourceType())
                      .setResourceName(r.resourceName())
                      .setErrorCode(error.error().code())
                      .setErrorMessage(error.isSuccess() ? null : error.message())));
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              IncrementalAlterConfigsResponseData out =
                  new IncrementalAlterConfigsResponseData().setThrottleTimeMs(0);
              results.forEach(r -> out.responses().add(r.join()));
              return new IncrementalAlterConfigsResponse(out);
            });
  }

  private CompletableFuture<ApiError> alter(
      ConfigResource resource, AlterConfigsResource r, boolean validateOnly) {
    List<String> keys = new ArrayList<>();
    List<String> withoutValue = new ArrayList<>();
    for (AlterableConfig c : r.configs()) {
      keys.add(c.name());
      if (c.configOperation() != OpType.DELETE.id() && c.value() == null) {
        withoutValue.add(c.name());
      }
    }
    Optional<ApiError> answer =
        AlterConfigsChecks.answerUnlessTopic(resource, keys, withoutValue, broker.nodeId());
    if (answer.isPresent()) {
      return CompletableFuture.completedFuture(answer.get());
    }
    Optional<TopicMetadata> topic = broker.topics().describe(resource.name());
    if (topic.isEmpty()) {
      return CompletableFuture.completedFuture(
          new ApiError(
              Errors.UNKNOWN_TOPIC_OR_PARTITION,
              "Topic '" + resource.name() + "' does not exist."));
    }
    Map<String, String> desired;
    try {
      desired = edit(topic.get(), r);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(
          ApiError.fromThrowable(KafkaErrors.toApiException(e)));
    }
    return overrides
        .replace(topic.get(), desired, validateOnly)
        .handle(
            (ignored, error) ->
                error == null
                    ? ApiError.NONE
                    : ApiError.fromThrowable(KafkaErrors.toApiException(error)));
  }

  /** The topic's overrides after the resource's operations, in request order. */
  private Map<String, String> edit(TopicMetadata topic, AlterConfigsResource r) {
    Map<String, String> desired = new TreeMap<>(topic.configs());
    for (AlterableConfig c : r.configs()) {
      OpType op = OpType.forId(c.configOperation());
      if (op == null) {
        throw new InvalidRequestException("Unknown operation type " + c.configOperation());
      }
      switch (op) {
        case SET -> desired.put(c.name(), c.value());
        case DELETE -> desired.remove(c.name());
        case APPEND, SUBTRACT -> {
          List<String> elements =
              new ArrayList<>(TopicOverridePolicy.listOf(currentValue(topic, desired, c.name())));
          List<String> given = TopicOverridePolicy.listOf(c.value());
          if (op == OpType.APPEND) {
            given.stream().filter(v -> !elements.contains(v)).forEach(elements::add);
          } else {
            elements.removeAll(given);
          }
          desired.put(c.name(), String.join(",", elements));
        }
      }
    }
    return desired;
  }

  /** The value a list config has before an APPEND or SUBTRACT. */
  private String currentValue(TopicMetadata topic, Map<String, String> desired, String name) {
    TopicConfigCatalog.Entry entry =
        TopicConfigCatalog.find(name)
            .orElseThrow(
                () -> new InvalidConfigurationException("Unknown topic config name: " + name));
    if (entry.type() != ConfigType.LIST) {
      throw new InvalidConfigurationException(
          "Config value append or subtract is not allowed for config key: " + name);
    }
    if (desired.containsKey(name)) {
      return desired.get(name);
    }
    return entry.honoured()
        ? broker.topics().effectiveConfig(topic).toMap().get(name)
        : entry.fixedValue();
  }
}
