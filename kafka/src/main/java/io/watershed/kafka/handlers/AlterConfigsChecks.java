package io.watershed.kafka.handlers;

import io.watershed.core.metadata.TopicRules;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * The checks AlterConfigs and IncrementalAlterConfigs share, in Kafka's order and with Kafka's
 * errors: a resource named twice, a config named twice or without a value, then the resource
 * itself. Only topics can be altered: broker configs come from the server configuration, so a
 * broker resource accepts an empty change and refuses any other. Pure functions; thread-safe.
 */
final class AlterConfigsChecks {
  private AlterConfigsChecks() {}

  /** The resources that appear more than once; Kafka refuses each occurrence. */
  static Set<ConfigResource> duplicates(Collection<ConfigResource> resources) {
    Set<ConfigResource> seen = new HashSet<>();
    Set<ConfigResource> twice = new HashSet<>();
    for (ConfigResource r : resources) {
      if (!seen.add(r)) {
        twice.add(r);
      }
    }
    return twice;
  }

  /**
   * Checks one resource of an alter request.
   *
   * @param keys the config names it changes, in request order
   * @param withoutValue the names whose operation needs a value but has none
   * @param nodeId this broker's id
   * @return the final answer for this resource when it is not a valid topic to alter (an error, or
   *     success for an empty broker change); empty when the topic's configs should be altered
   */
  static Optional<ApiError> answerUnlessTopic(
      ConfigResource resource, List<String> keys, List<String> withoutValue, int nodeId) {
    if (new HashSet<>(keys).size() != keys.size()) {
      return Optional.of(invalid("Error due to duplicate config keys"));
    }
    if (!withoutValue.isEmpty()) {
      return Optional.of(
          invalid("Null value not supported for : " + String.join(", ", withoutValue)));
    }
    String name = resource.name();
    return switch (resource.type()) {
      case TOPIC -> {
        if (name.isEmpty()) {
          yield Optional.of(invalid("Default topic resources are not allowed."));
        }
        yield TopicRules.checkName(name)
            .map(reason -> new ApiError(Errors.INVALID_TOPIC_EXCEPTION, reason));
      }
      case BROKER -> Optional.of(brokerChange(name, keys, nodeId));
      case BROKER_LOGGER -> Optional.of(invalid("Broker logger levels cannot be changed here."));
      default -> Optional.of(invalid("Unknown resource type " + resource.type()));
    };
  }

  private static ApiError brokerChange(String name, List<String> keys, int nodeId) {
    if (!name.isEmpty()) {
      int id;
      try {
        id = Integer.parseInt(name);
      } catch (NumberFormatException e) {
        return invalid("Node id must be an integer, but it is: " + name);
      }
      if (id != nodeId) {
        return invalid("Unexpected broker id, expected " + nodeId + ", but received " + name);
      }
    }
    if (keys.isEmpty()) {
      return ApiError.NONE;
    }
    // Kafka answers INVALID_REQUEST for a broker config that cannot change at run time; here none
    // can: they are read from the server configuration at start-up.
    return invalid(
        "Cannot update these configs dynamically: "
            + keys
            + " (broker configs are set in the server configuration)");
  }

  private static ApiError invalid(String message) {
    return new ApiError(Errors.INVALID_REQUEST, message);
  }
}
