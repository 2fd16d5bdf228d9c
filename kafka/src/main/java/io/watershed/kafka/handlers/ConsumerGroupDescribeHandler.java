package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaRequest;
import io.watershed.kafka.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;

/**
 * ConsumerGroupDescribe: consumer groups with their epochs and each member's current and target
 * assignment. A classic group is GROUP_ID_NOT_FOUND here, which makes the admin client describe it
 * with DescribeGroups instead.
 */
final class ConsumerGroupDescribeHandler implements ApiHandler {
  private final GroupCoordinator coordinator;

  ConsumerGroupDescribeHandler(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.CONSUMER_GROUP_DESCRIBE;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    ConsumerGroupDescribeRequest req = request.body(ConsumerGroupDescribeRequest.class);
    return coordinator
        .describeConsumerGroups(req.data().groupIds())
        .thenApply(
            groups ->
                new ConsumerGroupDescribeResponse(
                    new ConsumerGroupDescribeResponseData()
                        .setThrottleTimeMs(0)
                        .setGroups(groups)));
  }
}
