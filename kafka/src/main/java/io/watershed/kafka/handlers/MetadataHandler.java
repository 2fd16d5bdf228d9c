package io.watershed.kafka.handlers;

import io.watershed.core.metadata.MetadataError;
import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaErrors;
import io.watershed.kafka.KafkaRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBrokerCollection;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopicCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * Metadata: this broker is the only broker, the controller, and the leader of every partition.
 * Topics a client asks for that do not exist are created when {@code auto.create.topics.enable} is
 * on and the request allows it, before the answer, so the client sees them at once.
 */
final class MetadataHandler implements ApiHandler {
  private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

  private final KafkaBroker broker;

  MetadataHandler(KafkaBroker broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.METADATA;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    MetadataRequestData req = request.body(MetadataRequest.class).data();
    short version = request.version();
    TopicStore topics = broker.topics();
    List<CompletableFuture<MetadataResponseTopic>> answers = new ArrayList<>();
    if (req.topics() == null) {
      for (TopicMetadata t : topics.list()) {
        answers.add(CompletableFuture.completedFuture(describe(t)));
      }
    } else {
      boolean autoCreate =
          broker.config().autoCreateTopics() && (version < 4 || req.allowAutoTopicCreation());
      for (MetadataRequestData.MetadataRequestTopic rt : req.topics()) {
        answers.add(answer(rt, autoCreate, version));
      }
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              MetadataResponseTopicCollection out = new MetadataResponseTopicCollection();
              for (CompletableFuture<MetadataResponseTopic> f : answers) {
                out.add(f.join());
              }
              Node node = broker.node();
              MetadataResponseBrokerCollection brokers = new MetadataResponseBrokerCollection();
              brokers.add(
                  new MetadataResponseBroker()
                      .setNodeId(node.id())
                      .setHost(node.host())
                      .setPort(node.port()));
              MetadataResponseData data =
                  new MetadataResponseData()
                      .setThrottleTimeMs(0)
                      .setBrokers(brokers)
                      .setClusterId(broker.clusterId())
                      .setControllerId(node.id())
                      .setTopics(out)
                      .setClusterAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
              return new MetadataResponse(data, version);
            });
  }

  private CompletableFuture<MetadataResponseTopic> answer(
      MetadataRequestData.MetadataRequestTopic rt, boolean autoCreate, short version) {
    Optional<TopicMetadata> found = Topics.find(broker, rt.name(), rt.topicId());
    if (found.isPresent()) {
      return CompletableFuture.completedFuture(describe(found.get()));
    }
    if (rt.name() == null) {
      // Asked by id, which only v10+ can; the answer's name may be null from v12 on only.
      return CompletableFuture.completedFuture(
          error(version >= 12 ? null : "", rt.topicId(), Errors.UNKNOWN_TOPIC_ID));
    }
    if (rt.name().isEmpty()) {
      return CompletableFuture.completedFuture(
          error("", Uuid.ZERO_UUID, Errors.INVALID_TOPIC_EXCEPTION));
    }
    if (!autoCreate) {
      return CompletableFuture.completedFuture(
          error(rt.name(), Uuid.ZERO_UUID, Errors.UNKNOWN_TOPIC_OR_PARTITION));
    }
    String name = rt.name();
    return broker
        .topics()
        .create(name, broker.config().defaultPartitions(), Map.of())
        .handle(
            (created, failure) -> {
              if (failure == null) {
                return describe(created);
              }
              if (TopicStore.refusal(failure).orElse(null) == MetadataError.TOPIC_ALREADY_EXISTS) {
                return broker
                    .topics()
                    .describe(name)
                    .map(this::describe)
                    .orElseGet(() -> error(name, Uuid.ZERO_UUID, Errors.LEADER_NOT_AVAILABLE));
              }
              // A refusal keeps its code (a bad name: INVALID_TOPIC_EXCEPTION); a metadata store
              // that cannot write (disk full) gives KAFKA_STORAGE_ERROR, which clients treat as
              // stale metadata and retry, as they retry Kafka's LEADER_NOT_AVAILABLE for a topic
              // whose creation has not finished.
              return error(name, Uuid.ZERO_UUID, KafkaErrors.errorOf(failure));
            });
  }

  private MetadataResponseTopic describe(TopicMetadata t) {
    List<MetadataResponsePartition> partitions = new ArrayList<>(t.partitionCount());
    int node = broker.nodeId();
    for (int p = 0; p < t.partitionCount(); p++) {
      partitions.add(
          new MetadataResponsePartition()
              .setPartitionIndex(p)
              .setErrorCode(Errors.NONE.code())
              .setLeaderId(node)
              .setLeaderEpoch(0)
              .setReplicaNodes(List.of(node))
              .setIsrNodes(List.of(node))
              .setOfflineReplicas(List.of()));
    }
    return new MetadataResponseTopic()
        .setName(t.name())
        .setTopicId(KafkaBroker.toKafka(t.topicId()))
        .setErrorCode(Errors.NONE.code())
        .setIsInternal(TopicStore.isInternal(t.name()))
        .setPartitions(partitions)
        .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
  }

  private static MetadataResponseTopic error(String name, Uuid id, Errors error) {
    return new MetadataResponseTopic()
        .setName(name)
        .setTopicId(id == null ? Uuid.ZERO_UUID : id)
        .setErrorCode(error.code())
        .setIsInternal(false)
        .setPartitions(List.of())
        .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
  }
}
