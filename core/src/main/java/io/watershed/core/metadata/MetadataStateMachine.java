package io.watershed.core.metadata;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * The metadata state machine: applies {@link MetadataCommand}s in log order to a {@link
 * MetadataImage} and publishes a new image after each one.
 *
 * <h2>Determinism</h2>
 *
 * {@link #apply} is a pure function of the current image, the log index and the command: it reads
 * no clock, no configuration and no injected rules. Applying the same entries in the same order
 * therefore yields equal images and equal results on every node and on every replay after a
 * restart. Rules that come from outside core (the {@link TopicConfigValidator}) are checked by
 * {@link #validate} once, before a command is logged, and never again, so that changing those rules
 * cannot change what an existing log replays to.
 *
 * <h2>Shape, and how Apache Ratis will wrap it</h2>
 *
 * The methods mirror Ratis's {@code StateMachine}, so a cluster replaces only the log around this
 * class, not the class. A {@code RatisMetadataStateMachine extends BaseStateMachine} would:
 *
 * <ul>
 *   <li>{@code startTransaction(request)}: decode the command from the request's message with the
 *       same codec the local log uses and call {@link #validate}; on a failure, return the result
 *       to the client without appending to the Raft log.
 *   <li>{@code applyTransaction(trx)}: decode the entry's state-machine data, call {@link #apply}
 *       with the entry's index, {@code updateLastAppliedTermIndex(term, index)}, notify {@link
 *       MetadataListener}s, and complete with the encoded {@link CommandResult}.
 *   <li>{@code takeSnapshot()}: call {@link #takeSnapshot} with a {@link SnapshotWriter} that
 *       writes the snapshot file into Ratis's state-machine storage, naming it with the term and
 *       index as {@code SimpleStateMachineStorage} does; return the index.
 *   <li>{@code initialize()}/{@code reinitialize()}: load the newest snapshot from that storage and
 *       call {@link #reinitialize}; Ratis then replays the entries after it.
 * </ul>
 *
 * Indexes passed to {@link #apply} must increase but need not be contiguous: Ratis interleaves
 * configuration entries that the state machine never sees. Contiguity is a property of the local
 * {@code MetadataLog}, which checks it itself.
 *
 * <h2>Thread safety</h2>
 *
 * {@link #apply}, {@link #takeSnapshot} and {@link #reinitialize} must be called from one thread at
 * a time (the apply thread). {@link #image}, {@link #lastAppliedIndex} and {@link #validate} may be
 * called from any thread without locks: the image is immutable and published through a volatile
 * field, so a reader sees either the image before a command or the one after it, never a mixture.
 */
public final class MetadataStateMachine {

  private final TopicConfigValidator configRules;

  /** Written only by the apply thread; read by anyone. */
  private volatile MetadataImage image = MetadataImage.EMPTY;

  /**
   * Creates a state machine holding {@link MetadataImage#EMPTY}.
   *
   * @param configRules the rules {@link #validate} applies to topic configuration overrides
   */
  public MetadataStateMachine(TopicConfigValidator configRules) {
    this.configRules = Objects.requireNonNull(configRules, "configRules");
  }

  /**
   * Checks everything about {@code command} that does not depend on the state. Call before the
   * command is logged; a command that fails here must not be logged. Thread-safe.
   *
   * @return empty if the command may be logged, otherwise the failure to report
   */
  public Optional<CommandResult.Failure> validate(MetadataCommand command) {
    return CommandAppliers.bind(command).validate(configRules);
  }

  /**
   * Applies one logged command and publishes the resulting image. A rejected command leaves the
   * topics unchanged but still advances {@link #lastAppliedIndex()}, as every replica rejects it
   * the same way.
   *
   * @param index the command's log index; greater than {@link #lastAppliedIndex()}
   * @return the command's result
   * @throws IllegalArgumentException if {@code index} does not exceed the last applied index
   */
  public CommandResult apply(long index, MetadataCommand command) {
    MetadataImage before = image;
    if (index <= before.lastAppliedIndex()) {
      throw new IllegalArgumentException(
          "index " + index + " is not after the last applied index " + before.lastAppliedIndex());
    }
    ApplyOutcome outcome = CommandAppliers.bind(command).apply(before, index);
    image = outcome.image().atIndex(index);
    return outcome.result();
  }

  /** Returns the current image. Thread-safe, lock-free. */
  public MetadataImage image() {
    return image;
  }

  /** Returns the index of the last applied command, 0 before the first. Thread-safe. */
  public long lastAppliedIndex() {
    return image.lastAppliedIndex();
  }

  /**
   * Writes the current image through {@code writer}.
   *
   * @return the last applied index the snapshot contains: log entries up to it are no longer needed
   *     to rebuild this state
   */
  public long takeSnapshot(SnapshotWriter writer) throws IOException {
    MetadataImage snapshot = image;
    writer.write(snapshot);
    return snapshot.lastAppliedIndex();
  }

  /**
   * Replaces the whole state with {@code snapshot}, as after loading a snapshot at start-up or
   * installing one sent by a Raft leader. The next {@link #apply} must use an index after {@code
   * snapshot.lastAppliedIndex()}.
   */
  public void reinitialize(MetadataImage snapshot) {
    image = Objects.requireNonNull(snapshot, "snapshot");
  }
}
