package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBrokerCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;

/**
 * DescribeCluster (v0-2): the cluster id and this node, which is the only broker and the
 * controller, never fenced. Like a Kafka broker, it describes brokers only: a request for the
 * controller endpoints (v1+) is answered {@code UNSUPPORTED_ENDPOINT_TYPE}, which clients treat as
 * "ask a controller listener". Authorized operations are not reported (there is no authorizer).
 */
final class DescribeClusterHandler implements ApiHandler {
  private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

  private final KafkaBroker broker;

  DescribeClusterHandler(KafkaBroker broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DESCRIBE_CLUSTER;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    DescribeClusterRequestData req = request.body(DescribeClusterRequest.class).data();
    DescribeClusterResponseData out =
        new DescribeClusterResponseData()
            .setThrottleTimeMs(0)
            .setEndpointType(req.endpointType())
            .setClusterId(broker.clusterId())
            .setClusterAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
    if (req.endpointType() != EndpointType.BROKER.id()) {
      out.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
          .setErrorMessage("This node is described through its broker endpoints.");
      return CompletableFuture.completedFuture(new DescribeClusterResponse(out));
    }
    Node node = broker.node();
    DescribeClusterBrokerCollection brokers = new DescribeClusterBrokerCollection();
    brokers.add(
        new DescribeClusterBroker()
            .setBrokerId(node.id())
            .setHost(node.host())
            .setPort(node.port())
            .setRack(null)
            .setIsFenced(false));
    out.setErrorCode(Errors.NONE.code()).setControllerId(node.id()).setBrokers(brokers);
    return CompletableFuture.completedFuture(new DescribeClusterResponse(out));
  }
}
