package io.watershed.kafka.handlers;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaErrors;
import io.watershed.kafka.KafkaRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ApiError;

/**
 * AlterConfigs (v0-2), Kafka's original and non-incremental form: the configs sent become the
 * topic's complete set of overrides, and every override not sent is removed (its default applies
 * again). Used by older tools and non-Java clients; the Java AdminClient of 4.x only sends
 * IncrementalAlterConfigs.
 *
 * <p>Each resource is checked by {@link AlterConfigsChecks}, then the new set by the {@link
 * TopicOverridePolicy}: an unknown config or invalid value is {@code INVALID_CONFIG} and changes
 * nothing. An unknown topic is {@code UNKNOWN_TOPIC_OR_PARTITION}. With {@code validate_only}
 * nothing changes. A successful answer means the change is durable and the partition logs apply it.
 */
final class AlterConfigsHandler implements ApiHandler {
  private final KafkaBroker broker;
  private final TopicOverrides overrides;

  AlterConfigsHandler(KafkaBroker broker) {
    this.broker = broker;
    this.overrides = new TopicOverrides(broker.topics());
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.ALTER_CONFIGS;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    AlterConfigsRequestData req = request.body(AlterConfigsRequest.class).data();
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
              AlterConfigsResponseData out = new AlterConfigsResponseData().setThrottleTimeMs(0);
              results.forEach(r -> out.responses().add(r.join()));
              return new AlterConfigsResponse(out);
            });
  }

  private CompletableFuture<ApiError> alter(
      ConfigResource resource, AlterConfigsResource r, boolean validateOnly) {
    List<String> keys = new ArrayList<>();
    List<String> withoutValue = new ArrayList<>();
    Map<String, String> desired = new HashMap<>();
    for (AlterableConfig c : r.configs()) {
      keys.add(c.name());
      if (c.value() == null) {
        withoutValue.add(c.name());
      }
      desired.put(c.name(), c.value());
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
    return overrides
        .replace(topic.get(), desired, validateOnly)
        .handle(
            (ignored, error) ->
                error == null
                    ? ApiError.NONE
                    : ApiError.fromThrowable(KafkaErrors.toApiException(error)));
  }
}
