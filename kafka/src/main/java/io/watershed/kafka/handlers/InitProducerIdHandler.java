package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

/**
 * InitProducerId for idempotent producers: a producer id never handed out before, epoch 0, as Kafka
 * gives a producer without a transactional id (also when it asks again after a sequence error).
 * Transactional ids are refused with UNSUPPORTED_VERSION, which kafka-clients treats as fatal:
 * transactions are not supported. (A transactional producer normally never gets here: its
 * FindCoordinator is refused first, see {@link FindCoordinatorHandler}; the response has no field
 * for a message.)
 */
final class InitProducerIdHandler implements ApiHandler {
  private final KafkaBroker broker;

  InitProducerIdHandler(KafkaBroker broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.INIT_PRODUCER_ID;
  }

  private static CompletableFuture<AbstractResponse> refused(
      InitProducerIdResponseData out, Errors error) {
    return CompletableFuture.completedFuture(
        new InitProducerIdResponse(
            out.setErrorCode(error.code()).setProducerId(-1).setProducerEpoch((short) -1)));
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    InitProducerIdRequestData req = request.body(InitProducerIdRequest.class).data();
    InitProducerIdResponseData out = new InitProducerIdResponseData().setThrottleTimeMs(0);
    if (req.transactionalId() != null && req.transactionalId().isEmpty()) {
      // Kafka's TransactionCoordinator answers an empty transactional id so.
      return refused(out, Errors.INVALID_REQUEST);
    }
    if (req.transactionalId() != null) {
      TransactionsRefusal.refused(
          "a producer id for transactional id '" + req.transactionalId() + "'");
      return refused(out, Errors.UNSUPPORTED_VERSION);
    }
    // Reserving a block of ids may write a file: not on the event loop.
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            long id = broker.topics().producerIds().next();
            return new InitProducerIdResponse(out.setProducerId(id).setProducerEpoch((short) 0));
          } catch (java.io.IOException e) {
            return new InitProducerIdResponse(
                out.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code())
                    .setProducerId(-1)
                    .setProducerEpoch((short) -1));
          }
        },
        broker.io());
  }
}
