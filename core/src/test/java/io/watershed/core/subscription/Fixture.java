package io.watershed.core.subscription;

import io.watershed.core.schedule.ManualScheduler;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * A subscription over a {@link ListSource} on a manual clock, with a park sink and cursor store in
 * memory; every call runs as a scheduler task on the test thread.
 */
final class Fixture {
  final ManualScheduler scheduler = new ManualScheduler();
  final ListSource source = new ListSource();
  final MemoryParkSink sink = new MemoryParkSink();
  final ControlledCursorStore store = new ControlledCursorStore();

  /** Writes the cursor after every done piece of work unless a test says otherwise. */
  SubscriptionConfig config =
      SubscriptionConfig.DEFAULT.withCheckpoint(new CheckpointPolicy(1, 1, 0, 100, 1_000));

  DispatchPolicy policy = new RoundRobinDispatch();
  ToIntFunction<String> keyHash = v -> 0;
  StoredCursor start = StoredCursor.at(0);
  Subscription<String> sub;

  Subscription<String> open() {
    run(
        () ->
            sub =
                Subscription.builder("t", source, scheduler, store)
                    .cursor(start, true)
                    .keyHash(keyHash)
                    .policy(policy)
                    .config(config)
                    .parkSink(sink)
                    .open());
    return sub;
  }

  void run(Runnable r) {
    scheduler.run(r);
  }

  <T> T call(Supplier<T> s) {
    Object[] out = new Object[1];
    scheduler.run(() -> out[0] = s.get());
    @SuppressWarnings("unchecked")
    T t = (T) out[0];
    return t;
  }

  SubscriptionConsumer<String> attach(ConsumerOptions o, RecordingTarget t) {
    return call(() -> sub.attach(o, t));
  }

  SubscriptionConsumer<String> attach(String name, int window, RecordingTarget t) {
    return attach(ConsumerOptions.window(name, window), t);
  }

  /** The source grew by {@code n} entries. */
  void append(int n) {
    source.append(n);
    run(() -> sub.sourceGrew());
  }

  int ack(SubscriptionConsumer<String> c, long... keys) {
    return call(() -> sub.ack(c, keys));
  }

  SubscriptionStats stats() {
    return call(() -> sub.stats());
  }

  StoredCursor cursor() {
    return call(() -> sub.cursor());
  }
}
