package io.watershed.eventstore;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/** Answers unary calls from asynchronous operations of the store. */
final class Unary {
  private Unary() {}

  /**
   * Runs {@code op} and answers with {@code response} of its result, or with the wire form of its
   * failure (or of the failure to start it or to build the response). The answer is sent on {@code
   * executor}, never on the store's own threads.
   *
   * @param stream the stream the operation is about, for error trailers (may be null)
   * @param group the persistent-subscription group it is about, for error trailers (may be null)
   */
  static <T, R> void answer(
      Supplier<CompletableFuture<T>> op,
      Function<T, R> response,
      String stream,
      String group,
      StreamObserver<R> out,
      Executor executor) {
    CompletableFuture<T> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenCompleteAsync(
        (r, t) -> {
          if (t != null) {
            out.onError(RpcErrors.of(t, stream, group));
            return;
          }
          R resp;
          try {
            resp = response.apply(r);
          } catch (RuntimeException e) {
            out.onError(RpcErrors.of(e, stream, group));
            return;
          }
          out.onNext(resp);
          out.onCompleted();
        },
        executor);
  }
}
