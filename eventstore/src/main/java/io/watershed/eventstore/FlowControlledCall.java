package io.watershed.eventstore;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server-streaming call that sends only as fast as the client takes: messages are produced in
 * {@link #step} on the request executor (disk reads may block there, never on a Netty event loop),
 * and only while the transport is ready; the call's on-ready handler and {@link #wake()} (new data,
 * say) resume it.
 *
 * <p>Invariant: at most one thread runs {@link #step} at a time (a work-in-progress counter
 * serialises the drain loop), so the response observer, which is not thread-safe, is only ever used
 * by one thread at a time; a wake-up during a drain is never lost, it makes the drain loop once
 * more.
 */
abstract class FlowControlledCall<T> {
  protected final ServerCallStreamObserver<T> out;
  private final Executor executor;
  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile boolean finished;

  FlowControlledCall(StreamObserver<T> out, Executor executor) {
    this.out = (ServerCallStreamObserver<T>) out;
    this.executor = executor;
    this.out.setOnReadyHandler(this::wake);
    this.out.setOnCancelHandler(
        () -> {
          finished = true;
          end();
        });
  }

  /** Starts sending; call once, after construction. */
  final void start() {
    wake();
  }

  /** Asks for another drain: there may be something new to send, or the transport is ready. */
  final void wake() {
    if (finished) {
      return;
    }
    if (wip.getAndIncrement() == 0) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException closing) {
        finished = true;
        end();
      }
    }
  }

  private void drain() {
    int missed = 1;
    while (true) {
      try {
        while (!finished && out.isReady() && step()) {
          // step sent something and there may be more
        }
      } catch (RuntimeException e) {
        fail(e);
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  /**
   * Sends what can be sent now, a bounded amount at a time.
   *
   * @return true to be called again at once (while the transport is ready), false to wait for
   *     {@link #wake()}
   */
  protected abstract boolean step();

  /** Ends the call successfully; nothing more is sent. */
  protected final void complete() {
    if (!finished) {
      finished = true;
      out.onCompleted();
      end();
    }
  }

  /** Ends the call with the wire form of {@code t}. */
  protected final void fail(Throwable t) {
    if (!finished) {
      finished = true;
      out.onError(RpcErrors.of(t));
      end();
    }
  }

  protected final boolean isFinished() {
    return finished;
  }

  private void end() {
    if (ended.compareAndSet(false, true)) {
      onFinished();
    }
  }

  /** Runs once when the call ends, however it ends (completed, failed, cancelled). */
  protected void onFinished() {}
}
