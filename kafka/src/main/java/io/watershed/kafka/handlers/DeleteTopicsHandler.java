package io.watershed.kafka.handlers;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaErrors;
import io.watershed.kafka.KafkaRequest;
import io.watershed.kafka.group.GroupCoordinator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;

/**
 * DeleteTopics (v1-6): by name, and from v6 by topic id. As in Kafka: an entry with neither or both
 * is {@code INVALID_REQUEST}, as is a name or id given twice (one answer for it); an unknown name
 * is {@code UNKNOWN_TOPIC_OR_PARTITION}, an unknown id {@code UNKNOWN_TOPIC_ID}. A deleted topic is
 * answered with both its name and its id once the deletion is durable; its partition logs are gone
 * by then.
 *
 * <p>An id is resolved to its topic's name before the deletion, which is by name: should that topic
 * be deleted and another created under the same name in between, the newer topic would be deleted.
 * Nothing in this broker recreates topics that fast except a client racing itself.
 */
final class DeleteTopicsHandler implements ApiHandler {
  private final KafkaBroker broker;
  private final GroupCoordinator groups;

  /**
   * @param groups told once topics are deleted, so that their committed offsets go at once
   */
  DeleteTopicsHandler(KafkaBroker broker, GroupCoordinator groups) {
    this.broker = broker;
    this.groups = groups;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DELETE_TOPICS;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    DeleteTopicsRequest req = request.body(DeleteTopicsRequest.class);
    List<CompletableFuture<DeletableTopicResult>> results = new ArrayList<>();
    Map<String, Integer> names = new LinkedHashMap<>();
    Map<Uuid, Integer> ids = new LinkedHashMap<>();
    if (request.version() < 6) {
      req.data().topicNames().forEach(n -> names.merge(n, 1, Integer::sum));
    } else {
      for (DeleteTopicState t : req.data().topics()) {
        boolean hasId = !Uuid.ZERO_UUID.equals(t.topicId());
        if (t.name() == null && !hasId) {
          results.add(
              done(null, Uuid.ZERO_UUID, invalid("Neither topic name nor id were specified.")));
        } else if (t.name() != null && hasId) {
          results.add(
              done(
                  t.name(),
                  t.topicId(),
                  invalid("You may not specify both topic name and topic id.")));
        } else if (hasId) {
          ids.merge(t.topicId(), 1, Integer::sum);
        } else {
          names.merge(t.name(), 1, Integer::sum);
        }
      }
    }
    // Names first, so that an id naming a topic also named by name is recognised as a repeat.
    Set<String> deleting = new LinkedHashSet<>();
    names.forEach((name, count) -> results.add(byName(name, count, deleting)));
    ids.forEach((id, count) -> results.add(byId(id, count, deleting)));
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              if (!deleting.isEmpty()) {
                groups.topicsDeleted();
              }
              DeleteTopicsResponseData out = new DeleteTopicsResponseData().setThrottleTimeMs(0);
              results.forEach(r -> out.responses().add(r.join()));
              return new DeleteTopicsResponse(out);
            });
  }

  private CompletableFuture<DeletableTopicResult> byName(
      String name, int mentions, Set<String> deleting) {
    if (mentions > 1) {
      return done(name, Uuid.ZERO_UUID, invalid("Duplicate topic name."));
    }
    Optional<TopicMetadata> topic = broker.topics().describe(name);
    if (topic.isEmpty()) {
      return done(
          name,
          Uuid.ZERO_UUID,
          new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist."));
    }
    deleting.add(name);
    return delete(topic.get());
  }

  private CompletableFuture<DeletableTopicResult> byId(
      Uuid id, int mentions, Set<String> deleting) {
    if (mentions > 1) {
      return done(null, id, invalid("Duplicate topic id."));
    }
    Optional<TopicMetadata> topic = broker.topic(id);
    if (topic.isEmpty()) {
      return done(
          null, id, new ApiError(Errors.UNKNOWN_TOPIC_ID, "Topic id " + id + " does not exist."));
    }
    if (!deleting.add(topic.get().name())) {
      return done(
          topic.get().name(),
          id,
          invalid("The provided topic name maps to an ID that was already supplied."));
    }
    return delete(topic.get());
  }

  private CompletableFuture<DeletableTopicResult> delete(TopicMetadata topic) {
    Uuid id = KafkaBroker.toKafka(topic.topicId());
    return broker
        .topics()
        .delete(topic.name())
        .handle(
            (ignored, error) ->
                result(
                    topic.name(),
                    id,
                    error == null
                        ? ApiError.NONE
                        : ApiError.fromThrowable(KafkaErrors.toApiException(error))));
  }

  private static CompletableFuture<DeletableTopicResult> done(
      String name, Uuid id, ApiError error) {
    return CompletableFuture.completedFuture(result(name, id, error));
  }

  private static DeletableTopicResult result(String name, Uuid id, ApiError error) {
    return new DeletableTopicResult()
        .setName(name)
        .setTopicId(id)
        .setErrorCode(error.error().code())
        .setErrorMessage(error.isSuccess() ? null : error.message());
  }

  private static ApiError invalid(String message) {
    return new ApiError(Errors.INVALID_REQUEST, message);
  }
}
