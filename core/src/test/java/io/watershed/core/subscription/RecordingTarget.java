package io.watershed.core.subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A consumer that records what it is given, and may answer at once. */
final class RecordingTarget implements DeliveryTarget<String> {
  final List<Delivery<String>> got = new ArrayList<>();
  final List<Long> released = new ArrayList<>();
  String closed;
  Consumer<Delivery<String>> onDeliver = d -> {};

  @Override
  public void deliver(Delivery<String> delivery) {
    got.add(delivery);
    onDeliver.accept(delivery);
  }

  @Override
  public void released(long key) {
    released.add(key);
  }

  @Override
  public void closed(String reason) {
    closed = reason;
  }

  List<Long> keys() {
    return got.stream().map(Delivery::key).toList();
  }

  long[] takeKeys() {
    long[] keys = got.stream().mapToLong(Delivery::key).toArray();
    got.clear();
    return keys;
  }
}
