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
 * FindCoordinator, one key (v0-3) or a batch (v4+): this node coordinates every group. Share groups
 * and unknown key types get INVALID_REQUEST, as Kafka answers when share groups are off.
 *
 * <p>There is no transaction coordinator (transactions are not supported), and a transactional
 * producer must learn it at once, with an error it treats as fatal and a message that says why,
 * rather than retry a coordinator that never appears (COORDINATOR_NOT_AVAILABLE is retriable: the
 * Java producer would wait out {@code max.block.ms}). Which codes are fatal differs by client:
 *
 * <ul>
 *   <li>kafka-clients (which sends v4+ since 3.0) fails {@code initTransactions()} for any error
 *       that is neither retriable nor one of the authorization errors, with "Could not find a
 *       coordinator with type TRANSACTION with key ... due to unexpected error: " and the error
 *       message (TransactionManager.FindCoordinatorHandler); for
 *       TRANSACTIONAL_ID_AUTHORIZATION_FAILED it drops the message and sends users looking for
 *       access rules. So v4+ gets UNSUPPORTED_VERSION, kafka-clients' word for a feature the broker
 *       lacks.
 *   <li>librdkafka (v0-2) retries every error but TRANSACTIONAL_ID_AUTHORIZATION_FAILED until its
 *       timeout, and prints the broker's message with it (rd_kafka_txn_handle_FindCoordinator). So
 *       v0-3 gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED, with the message from v1 on.
 * </ul>
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
      Coordinator c = coordinator(req.keyType(), req.key(), request.version());
      out.setErrorCode(c.errorCode())
          .setErrorMessage(c.errorMessage())
          .setNodeId(c.nodeId())
          .setHost(c.host())
          .setPort(c.port());
    } else {
      for (String key : req.coordinatorKeys()) {
        out.coordinators().add(coordinator(req.keyType(), key, request.version()));
      }
    }
    return CompletableFuture.completedFuture(new FindCoordinatorResponse(out));
  }

  private Coordinator coordinator(byte keyType, String key, short version) {
    Errors error =
        switch (keyType) {
          case GROUP -> Errors.NONE;
          case TRANSACTION ->
              version >= FindCoordinatorRequest.MIN_BATCHED_VERSION
                  ? Errors.UNSUPPORTED_VERSION
                  : Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
          default -> Errors.INVALID_REQUEST;
        };
    String message =
        switch (keyType) {
          case GROUP -> null;
          case TRANSACTION -> TransactionsRefusal.MESSAGE;
          default -> error.message();
        };
    if (keyType == TRANSACTION) {
      TransactionsRefusal.refused("a transaction coordinator for transactional id '" + key + "'");
    }
    Node node = error == Errors.NONE ? broker.node() : Node.noNode();
    return new Coordinator()
        .setKey(key)
        .setErrorCode(error.code())
        .setErrorMessage(message)
        .setNodeId(node.id())
        .setHost(node.host())
        .setPort(node.port());
  }
}
