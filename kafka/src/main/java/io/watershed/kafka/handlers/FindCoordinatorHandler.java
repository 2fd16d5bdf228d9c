package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;

/**
 * FindCoordinator, one key (v0-3) or a batch (v4+): this node coordinates every group. There is no
 * transaction coordinator (transactions are not supported): transactional ids get
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED, which Kafka answers for a transactional id the client may
 * not use and which clients treat as fatal, so {@code initTransactions()} fails at once with a
 * clear error instead of retrying a coordinator that never appears (COORDINATOR_NOT_AVAILABLE is
 * retriable: the Java producer would wait out {@code max.block.ms}). Share groups and unknown key
 * types get INVALID_REQUEST, as Kafka answers when share groups are off.
 */
final class FindCoordinatorHandler implements ApiHandler {
  private static final byte GROUP = 0;
  private static final byte TRANSACTION = 1;

  private final KafkaBroker broker;

  FindCoordinatorHandler(KafkaBroker broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.FIND_COORDINATOR;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    FindCoordinatorRequestData req = request.body(FindCoordinatorRequest.class).data();
    FindCoordinatorResponseData out = new FindCoordinatorResponseData().setThrottleTimeMs(0);
    if (request.version() < FindCoordinatorRequest.MIN_BATCHED_VERSION) {
      Coordinator c = coordinator(req.keyType(), req.key());
      out.setErrorCode(c.errorCode())
          .setErrorMessage(c.errorMessage())
          .setNodeId(c.nodeId())
          .setHost(c.host())
          .setPort(c.port());
    } else {
      for (String key : req.coordinatorKeys()) {
        out.coordinators().add(coordinator(req.keyType(), key));
      }
    }
    return CompletableFuture.completedFuture(new FindCoordinatorResponse(out));
  }

  private Coordinator coordinator(byte keyType, String key) {
    Errors error =
        switch (keyType) {
          case GROUP -> Errors.NONE;
          case TRANSACTION -> Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
          default -> Errors.INVALID_REQUEST;
        };
    Node node = error == Errors.NONE ? broker.node() : Node.noNode();
    return new Coordinator()
        .setKey(key)
        .setErrorCode(error.code())
        .setErrorMessage(error == Errors.NONE ? null : error.message())
        .setNodeId(node.id())
        .setHost(node.host())
        .setPort(node.port());
  }
}
