package io.watershed.server.storage;

import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import io.watershed.server.Service;
import io.watershed.server.config.CoordinatorSettings;
import io.watershed.server.config.LogSettings;
import io.watershed.server.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log engine, the metadata and the coordinator runtime, as one service: started first and
 * closed last, so that every front door finds its topics and coordinators open and the close writes
 * the clean-shutdown marker after all of them have stopped.
 */
public final class StorageService implements Service {
  private static final Logger LOG = LoggerFactory.getLogger(StorageService.class);

  private final ServerConfig config;
  private volatile TopicStore topics;
  private volatile CoordinatorRuntime coordinators;

  public StorageService(ServerConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "storage";
  }

  @Override
  public void start() throws Exception {
    LogManagerConfig engine =
        LogSettings.toEngineConfig(config.dataDir(), config.logFlush(), config.logDefaults());
    topics = TopicStore.open(config.dataDir(), engine);
    try {
      coordinators =
          CoordinatorRuntime.open(
              topics, CoordinatorSettings.build(config.doorSettings("coordinator")));
    } catch (Exception e) {
      topics.close();
      topics = null;
      throw e;
    }
    LOG.info(
        "storage open in {} (log.flush={}, {} topic(s), {} start)",
        config.dataDir().toAbsolutePath(),
        engine.flushPolicy(),
        topics.list().size(),
        topics.logs().wasCleanStart() ? "clean" : "recovered");
  }

  /** The topics; valid between {@link #start()} and {@link #close()}. */
  public TopicStore topics() {
    TopicStore t = topics;
    if (t == null) {
      throw new IllegalStateException("storage is not started");
    }
    return t;
  }

  /** The coordinator runtime; valid between {@link #start()} and {@link #close()}. */
  public CoordinatorRuntime coordinators() {
    CoordinatorRuntime c = coordinators;
    if (c == null) {
      throw new IllegalStateException("storage is not started");
    }
    return c;
  }

  /** The coordinator runtime, or null before {@link #start()} and after {@link #close()}. */
  public CoordinatorRuntime coordinatorsIfStarted() {
    return coordinators;
  }

  /** The topics, or null before {@link #start()} and after {@link #close()}. */
  public TopicStore topicsIfStarted() {
    return topics;
  }

  @Override
  public void close() throws Exception {
    CoordinatorRuntime c = coordinators;
    if (c != null) {
      c.close();
      coordinators = null;
    }
    TopicStore t = topics;
    if (t != null) {
      t.close();
      topics = null;
    }
  }
}
