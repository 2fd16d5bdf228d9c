package io.watershed.eventstore;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.watershed.core.metrics.RequestObserver;
import java.util.function.Supplier;

/**
 * Tells the request observer about every finished call: its full method name, how long it ran (for
 * a subscription: how long it was open) and whether it ended with an error status.
 */
final class CallObserver implements ServerInterceptor {
  private final Supplier<RequestObserver> observer;

  CallObserver(Supplier<RequestObserver> observer) {
    this.observer = observer;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    long started = System.nanoTime();
    String method = call.getMethodDescriptor().getFullMethodName();
    return next.startCall(
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            observer.get().completed(method, System.nanoTime() - started, !status.isOk());
            super.close(status, trailers);
          }
        },
        headers);
  }
}
