package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaRequest;
import io.watershed.kafka.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;

/**
 * DescribeGroups of classic groups. Authorized operations are not computed (there is no
 * authorizer), so they are reported as omitted.
 */
final class DescribeGroupsHandler implements ApiHandler {
  private final GroupCoordinator coordinator;

  DescribeGroupsHandler(GroupCoordinator coordinator) {
    this.coordinator = coordinator;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DESCRIBE_GROUPS;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    DescribeGroupsRequest req = request.body(DescribeGroupsRequest.class);
    return coordinator
        .describeGroups(req.data().groups(), request.version())
        .thenApply(
            groups ->
                new DescribeGroupsResponse(
                    new DescribeGroupsResponseData().setThrottleTimeMs(0).setGroups(groups)));
  }
}
