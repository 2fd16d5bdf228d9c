package io.watershed.core.metadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node metadata store: a {@link MetadataStateMachine} whose commands are logged durably
 * on local disk ({@code MetadataLog}) and snapshotted, in {@code <dataDir>/metadata/}.
 *
 * <p>Lifecycle: {@link #open} recovers the state (newest intact snapshot plus the command log after
 * it) and starts the writer thread; {@link #submit} changes the state; {@link #close} finishes
 * queued commands, takes a snapshot and releases the directory.
 *
 * <p>Files in {@code <dataDir>/metadata/}:
 *
 * <ul>
 *   <li>{@code commands-<first index, 20 digits>.log}: the command log ({@code MetadataLog} has the
 *       layout); entries after the second-newest snapshot are kept.
 *   <li>{@code snapshot-<index, 20 digits>.snapshot}: the two newest snapshots ({@code
 *       MetadataSnapshot} has the layout), taken every {@link
 *       MetadataStoreOptions#snapshotInterval()} commands and on close.
 *   <li>{@code *.corrupt}: damaged snapshots set aside at open, never read again.
 *   <li>{@code .lock}: held while the store is open, so two stores never share the directory.
 * </ul>
 *
 * <p>Thread safety: {@link #submit} and {@link #image} may be called from any thread at once;
 * {@link #image} never blocks. {@link #close} may be called from any thread and waits for the
 * writer thread. The {@link MetadataListener} and any stage chained on a submit future without an
 * executor run on the writer thread, where they hold up every later command: keep them short.
 */
public final class MetadataStore implements AutoCloseable {

  /** Name of the store's directory inside the data directory. */
  public static final String DIRECTORY = "metadata";

  /** Largest command, serialised, that {@link #submit} accepts. */
  public static final int MAX_COMMAND_BYTES = MetadataLog.MAX_PAYLOAD_BYTES;

  private static final Logger LOG = LoggerFactory.getLogger(MetadataStore.class);

  private final Path dir;
  private final DirectoryLock directoryLock;
  private final MetadataStateMachine machine;
  private final MetadataWriter writer;
  private final Thread writerThread;

  /** Guarded by {@code this}. */
  private boolean closed;

  private MetadataStore(
      Path dir,
      DirectoryLock directoryLock,
      MetadataStateMachine machine,
      MetadataWriter writer,
      Thread writerThread) {
    this.dir = dir;
    this.directoryLock = directoryLock;
    this.machine = machine;
    this.writer = writer;
    this.writerThread = writerThread;
  }

  /** Opens the store in {@code dataDir} with {@link MetadataStoreOptions#defaults()}. */
  public static MetadataStore open(
      Path dataDir, TopicConfigValidator configRules, MetadataListener listener)
      throws IOException {
    return open(dataDir, MetadataStoreOptions.defaults(), configRules, listener);
  }

  /**
   * Opens the store in {@code dataDir}, creating {@code dataDir/metadata} if needed, and rebuilds
   * the state. The listener hears only commands applied from now on, not those replayed here.
   *
   * @param configRules checks topic configuration overrides on {@link #submit}
   * @param listener told about every command applied after this returns
   * @throws CorruptMetadataException if the state cannot be rebuilt without losing acknowledged
   *     commands; the message names the damaged file
   * @throws IOException if the directory is in use by another store, or on an I/O error
   */
  public static MetadataStore open(
      Path dataDir,
      MetadataStoreOptions options,
      TopicConfigValidator configRules,
      MetadataListener listener)
      throws IOException {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(listener, "listener");
    Path dir = dataDir.resolve(DIRECTORY);
    Files.createDirectories(dir);
    DirectoryLock directoryLock = DirectoryLock.acquire(dir);
    try {
      MetadataStateMachine machine = new MetadataStateMachine(configRules);
      MetadataSnapshots snapshots = new MetadataSnapshots(dir);
      MetadataRecovery.Recovered recovered = MetadataRecovery.recover(dir, snapshots, machine);
      LOG.info(
          "Opened metadata store {}: snapshot at index {}, replayed {} commands, {} topics.",
          dir,
          recovered.snapshotIndex(),
          recovered.replayed(),
          machine.image().topics().size());
      MetadataWriter writer =
          new MetadataWriter(
              recovered.log(), machine, snapshots, listener, options, recovered.snapshotIndex());
      Thread writerThread = new Thread(writer, "watershed-metadata-writer");
      // Daemon: every acknowledged command is already durable, so an exit without close loses
      // nothing that was promised.
      writerThread.setDaemon(true);
      writerThread.start();
      return new MetadataStore(dir, directoryLock, machine, writer, writerThread);
    } catch (IOException | RuntimeException e) {
      directoryLock.close();
      throw e;
    }
  }

  /**
   * Submits a command. Checks it against the rules that need no state (a failure completes the
   * future at once and logs nothing), appends it to the command log and fsyncs (shared with
   * concurrent submissions), applies it, tells the listener, and completes the future with the
   * result.
   *
   * <p>A completed future means the command is durable and visible in {@link #image()}, whether its
   * result is a success or a failure. The future fails, instead, with: {@link
   * IllegalStateException} after {@link #close}; {@link
   * java.util.concurrent.RejectedExecutionException} when {@link
   * MetadataStoreOptions#queueCapacity()} commands are already waiting; {@link IOException} when
   * the log could not be written, in which case the command may or may not be applied after the
   * store is reopened, and the store refuses further commands until then.
   *
   * <p>Thread-safe; never blocks.
   */
  public CompletableFuture<CommandResult> submit(MetadataCommand command) {
    Objects.requireNonNull(command, "command");
    Optional<CommandResult.Failure> rejection = machine.validate(command);
    if (rejection.isPresent()) {
      return CompletableFuture.completedFuture(rejection.get());
    }
    byte[] payload = MetadataCommandCodec.encode(command);
    if (payload.length > MAX_COMMAND_BYTES) {
      return CompletableFuture.completedFuture(
          CommandResult.failure(
              MetadataError.COMMAND_TOO_LARGE,
              "The command is "
                  + payload.length
                  + " bytes serialised; the limit is "
                  + MAX_COMMAND_BYTES
                  + "."));
    }
    return writer.submit(command, payload);
  }

  /**
   * Returns the latest image: every command whose future has completed is in it. Thread-safe and
   * lock-free; the returned image never changes.
   */
  public MetadataImage image() {
    return machine.image();
  }

  /** Returns what the store has done since it was opened. Thread-safe. */
  public MetadataStoreCounters counters() {
    return writer.counters();
  }

  /** Returns the store's directory, {@code <dataDir>/metadata}. */
  public Path directory() {
    return dir;
  }

  /**
   * Stops accepting commands, waits for those already submitted to complete, takes a snapshot if
   * anything was applied since the last one, and releases the directory. Idempotent. Must not be
   * called from a {@link MetadataListener}, which runs on the thread this waits for.
   *
   * @throws IOException if the final snapshot or closing the log failed; every acknowledged command
   *     is durable in the log regardless
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    boolean interrupted = false;
    try {
      while (true) {
        try {
          writer.stop();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      while (writerThread.isAlive()) {
        try {
          writerThread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      IOException failure = writer.shutdownFailure();
      if (failure != null) {
        throw failure;
      }
    } finally {
      directoryLock.close();
    }
  }
}
