package io.watershed.core.stream;

/**
 * The explicit limits of the event store.
 *
 * @param maxAppendBytes the most bytes (data, metadata, type) one append may carry; EventStoreDB's
 *     default is 1 MiB
 * @param maxStreamNameBytes the longest stream name, in UTF-8 bytes
 */
public record EventStoreLimits(int maxAppendBytes, int maxStreamNameBytes) {
  public static final EventStoreLimits DEFAULT = new EventStoreLimits(1024 * 1024, 1024);
}
