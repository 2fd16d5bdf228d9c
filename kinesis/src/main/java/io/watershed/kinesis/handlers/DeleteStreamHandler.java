package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.core.metadata.MetadataError;
import io.watershed.core.topic.TopicStore;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.catalog.StreamEntry;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteStream: the entry turns DELETING, the topic is deleted (records and all), then the entry
 * goes; the answer comes once the stream is gone. A stream seen from a Kafka topic is deleted the
 * same way. A stream with registered consumers is deleted only with {@code EnforceConsumerDeletion}
 * (the consumers go with it); one being created or resharded is not.
 */
final class DeleteStreamHandler implements OperationHandler {
  private final KinesisContext ctx;

  DeleteStreamHandler(KinesisContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String operation() {
    return "DeleteStream";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    StreamEntry stream = ctx.requireStream(req);
    boolean enforce = req.flag("EnforceConsumerDeletion");
    String name = stream.name();
    return Shapes.onIo(
            ctx,
            () -> {
              try {
                ctx.catalog()
                    .update(
                        name,
                        (current, catalog) -> {
                          StreamEntry s =
                              ctx.stream(name, catalog).orElseThrow(() -> ctx.notFound(name));
                          if (s.status().equals(StreamEntry.CREATING)
                              || s.status().equals(StreamEntry.UPDATING)) {
                            throw ctx.notActive(s);
                          }
                          if (!s.consumers().isEmpty() && !enforce) {
                            throw KinesisException.resourceInUse(
                                "Stream "
                                    + name
                                    + " under account "
                                    + ctx.settings().accountId()
                                    + " has registered consumers. Deregister them, or set"
                                    + " EnforceConsumerDeletion.");
                          }
                          return s.withStatus(StreamEntry.DELETING);
                        });
              } catch (IOException e) {
                throw Shapes.io(e);
              }
              return ctx.topics().delete(name);
            })
        .thenCompose(f -> f)
        .handleAsync(
            (ignored, err) -> {
              if (err != null
                  && TopicStore.refusal(err)
                      .filter(e -> e == MetadataError.UNKNOWN_TOPIC)
                      .isEmpty()) {
                throw err instanceof RuntimeException r ? r : new RuntimeException(err);
              }
              try {
                ctx.catalog().remove(name);
              } catch (IOException e) {
                throw Shapes.io(e);
              }
              return req.newObject();
            },
            ctx.io());
  }
}
