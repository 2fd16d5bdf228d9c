package io.watershed.kafka.handlers;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.metadata.TopicRules;
import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaErrors;
import io.watershed.kafka.KafkaRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

/**
 * DescribeConfigs (v1-4) for topics and this broker.
 *
 * <ul>
 *   <li>A topic: every config of the {@link TopicConfigCatalog} with its effective value and source
 *       ({@link TopicConfigDescriber}); an unknown topic is {@code UNKNOWN_TOPIC_OR_PARTITION}, a
 *       malformed name {@code INVALID_TOPIC_EXCEPTION}.
 *   <li>The broker named by this node's id: {@link BrokerConfigs}. The empty name, Kafka's
 *       cluster-wide dynamic defaults, has no configs here (there are no dynamic broker configs);
 *       another id is {@code INVALID_REQUEST}, as in Kafka.
 *   <li>Broker loggers, groups and client-metrics subscriptions are not supported: {@code
 *       INVALID_REQUEST}.
 * </ul>
 *
 * Synonyms are included when asked for; documentation (v3+) likewise, and the data type always.
 * Everything is read from memory, so the request is served on the event loop.
 */
final class DescribeConfigsHandler implements ApiHandler {
  private final KafkaBroker broker;
  private final TopicConfigDescriber topicConfigs;
  private final BrokerConfigs brokerConfigs;

  DescribeConfigsHandler(KafkaBroker broker) {
    this.broker = broker;
    this.topicConfigs = new TopicConfigDescriber(broker.topics().logs().config().defaults());
    this.brokerConfigs = new BrokerConfigs(broker, topicConfigs);
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DESCRIBE_CONFIGS;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    DescribeConfigsRequestData req = request.body(DescribeConfigsRequest.class).data();
    DescribeConfigsResponseData out = new DescribeConfigsResponseData().setThrottleTimeMs(0);
    for (DescribeConfigsResource resource : req.resources()) {
      DescribeConfigsResult result =
          new DescribeConfigsResult()
              .setResourceType(resource.resourceType())
              .setResourceName(resource.resourceName())
              .setErrorCode(Errors.NONE.code())
              .setConfigs(new ArrayList<>());
      out.results().add(result);
      ApiError error;
      try {
        error = describe(resource, req.includeSynonyms(), req.includeDocumentation(), result);
      } catch (RuntimeException e) {
        // One resource that cannot be described (say, an override stored under older rules)
        // must not cost the others their answer.
        error = ApiError.fromThrowable(KafkaErrors.toApiException(e));
      }
      if (error.isFailure()) {
        result.setErrorCode(error.error().code()).setErrorMessage(error.message());
        result.configs().clear();
      }
    }
    return CompletableFuture.completedFuture(new DescribeConfigsResponse(out));
  }

  private ApiError describe(
      DescribeConfigsResource resource,
      boolean synonyms,
      boolean documentation,
      DescribeConfigsResult result) {
    String name = resource.resourceName();
    List<DescribedConfig> configs;
    switch (ConfigResource.Type.forId(resource.resourceType())) {
      case TOPIC -> {
        Optional<String> badName = TopicRules.checkName(name);
        if (badName.isPresent()) {
          return new ApiError(Errors.INVALID_TOPIC_EXCEPTION, badName.get());
        }
        Optional<TopicMetadata> topic = broker.topics().describe(name);
        if (topic.isEmpty()) {
          return new ApiError(
              Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
        }
        configs = topicConfigs.describe(topic.get().configs());
      }
      case BROKER -> {
        if (name.isEmpty()) {
          configs = List.of();
        } else if (name.equals(Integer.toString(broker.nodeId()))) {
          configs = brokerConfigs.describe();
        } else {
          return new ApiError(
              Errors.INVALID_REQUEST,
              "Unexpected broker id, expected "
                  + broker.nodeId()
                  + " or empty string, but received "
                  + name);
        }
      }
      default -> {
        return new ApiError(
            Errors.INVALID_REQUEST,
            "Unsupported resource type: " + ConfigResource.Type.forId(resource.resourceType()));
      }
    }
    List<String> keys = resource.configurationKeys();
    for (DescribedConfig c : configs) {
      if (keys == null || keys.isEmpty() || keys.contains(c.name())) {
        result.configs().add(toWire(c, synonyms, documentation));
      }
    }
    return ApiError.NONE;
  }

  private static DescribeConfigsResourceResult toWire(
      DescribedConfig c, boolean includeSynonyms, boolean includeDocumentation) {
    List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
    if (includeSynonyms) {
      for (DescribedConfig.Synonym s : c.synonyms()) {
        synonyms.add(
            new DescribeConfigsSynonym()
                .setName(s.name())
                .setValue(s.value())
                .setSource(s.source().id()));
      }
    }
    return new DescribeConfigsResourceResult()
        .setName(c.name())
        .setValue(c.value())
        .setReadOnly(c.readOnly())
        .setConfigSource(c.source().id())
        .setIsSensitive(false)
        .setSynonyms(synonyms)
        .setConfigType(c.type().id())
        .setDocumentation(includeDocumentation ? c.documentation() : null);
  }
}
