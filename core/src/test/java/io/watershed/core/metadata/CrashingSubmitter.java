package io.watershed.core.metadata;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link MetadataStoreCrashTest}: submits topic creations from several threads
 * until it is killed, printing {@code acked <name>} for each acknowledged one.
 */
public final class CrashingSubmitter {

  private CrashingSubmitter() {}

  /** Arguments: the data directory. */
  public static void main(String[] args) throws Exception {
    MetadataStore store =
        MetadataStore.open(
            Path.of(args[0]),
            MetadataStoreOptions.defaults().withSnapshotInterval(40),
            TopicConfigValidator.acceptAll(),
            (index, command, result, image) -> {});
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; ; i++) {
                      String name = "t" + thread + "-" + i;
                      if (store.submit(Commands.create(name, 1)).join().isSuccess()) {
                        synchronized (System.out) {
                          System.out.println("acked " + name);
                          System.out.flush();
                        }
                      }
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }
}
