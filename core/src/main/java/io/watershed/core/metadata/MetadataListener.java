package io.watershed.core.metadata;

/**
 * Told about every command the store applies, for work that must follow a metadata change, such as
 * creating or deleting a topic's partition logs.
 *
 * <p>Called on the store's apply thread, in index order, once per logged command, after the command
 * is durable and applied and before its submitter's future completes. The apply thread applies
 * nothing else while a listener runs, so listeners must not block for long (no network calls; never
 * wait on a submission or close the store from here, which would deadlock); hand slow work to
 * another thread. A listener that throws is logged and otherwise ignored: the command stays
 * applied.
 *
 * <p>Commands replayed while the store opens are not reported; after {@link MetadataStore#open},
 * reconcile with {@link MetadataStore#image()} instead.
 */
@FunctionalInterface
public interface MetadataListener {

  /**
   * Reports one applied command.
   *
   * @param index the command's log index
   * @param command the command
   * @param result its result; a failure changed nothing but the index
   * @param image the state right after the command
   */
  void onApplied(long index, MetadataCommand command, CommandResult result, MetadataImage image);
}
